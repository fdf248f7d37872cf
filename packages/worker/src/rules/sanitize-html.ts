/* eslint-disable no-control-regex -- control characters are input the tokenizer must handle as browsers do */
/**
 * Marketer HTML, cut down to an allowlist so it cannot run script on the shop's pages.
 *
 * How: a tokenizer that follows the HTML standard's tokenizer closely enough to find the same tags
 * a browser finds, and a writer that emits only *canonical* markup: allowed elements, allowed
 * attributes with double-quoted, fully escaped values, and escaped text. Whatever the input's
 * tricks, the output contains no element or attribute the allowlist does not name, and a browser
 * parses it into exactly what was checked. Attribute values are decoded before they are checked
 * (so `jav&#x61;script:` is caught) and written back escaped, so the browser sees the decoded
 * string that was checked. (Cloudflare's HTMLRewriter was not used: it hands attribute values over
 * undecoded, cloudflare/lol-html#131, and passes untouched markup through as written.)
 *
 * The allowlist is documented in docs/security.md ("Marketer HTML"); keep the two in step.
 */

/** Elements kept, with their allowed attributes (beyond `GLOBAL_ATTRIBUTES`). */
const ELEMENT_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href', 'target', 'rel'],
  abbr: [],
  b: [],
  bdi: [],
  bdo: [],
  blockquote: ['cite'],
  br: [],
  caption: [],
  cite: [],
  code: [],
  col: ['span'],
  colgroup: ['span'],
  dd: [],
  del: ['cite', 'datetime'],
  details: ['open'],
  dfn: [],
  div: [],
  dl: [],
  dt: [],
  em: [],
  figcaption: [],
  figure: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  i: [],
  img: ['src', 'alt', 'width', 'height', 'loading'],
  ins: ['cite', 'datetime'],
  kbd: [],
  li: ['value'],
  mark: [],
  ol: ['start', 'reversed', 'type'],
  p: [],
  pre: [],
  q: ['cite'],
  s: [],
  samp: [],
  small: [],
  span: [],
  strong: [],
  sub: [],
  summary: [],
  sup: [],
  table: [],
  tbody: [],
  td: ['colspan', 'rowspan'],
  tfoot: [],
  th: ['colspan', 'rowspan', 'scope'],
  thead: [],
  time: ['datetime'],
  tr: [],
  u: [],
  ul: [],
  var: [],
  wbr: [],
}

/** The elements the sanitizer keeps. */
export const ALLOWED_ELEMENTS: readonly string[] = Object.keys(ELEMENT_ATTRIBUTES)

/** Attributes allowed on every kept element, plus any `aria-*`. No `id` or `name` (they clobber the page's globals), no `on*`, no `data-*`. */
const GLOBAL_ATTRIBUTES = ['class', 'title', 'lang', 'dir', 'style', 'role']

/** Void elements have no end tag and no content. */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
])

/**
 * Elements whose content the tokenizer reads as raw text up to their end tag, as browsers do; all
 * of them are dropped together with that content.
 */
const RAW_TEXT_ELEMENTS = new Set([
  'script',
  'style',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'textarea',
  'title',
])

/** Dropped with everything inside them: active or foreign content, and containers of controls. */
const DROPPED_WITH_CONTENT = new Set([
  'template',
  'svg',
  'math',
  'object',
  'applet',
  'select',
  'frameset',
  'head',
])

/** URL schemes allowed per URL attribute; a URL without a scheme (relative) is always allowed. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto', 'tel'])
const WEB_SCHEMES = new Set(['http', 'https'])

/** Tokens kept in `rel`. */
const REL_TOKENS = new Set(['nofollow', 'noopener', 'noreferrer', 'sponsored', 'ugc', 'external'])

/**
 * CSS in a `style` attribute is kept only without these: no fetches from CSS (`url(`, `image(`,
 * `image-set(`, `@import`), none of the old script hooks (`expression(`, `behavior`, `binding`,
 * `javascript:`), no CSS escapes that could spell them (`\`), and no `position`, so content cannot
 * lay itself over the page (a fake checkout button over the real one).
 */
const UNSAFE_CSS =
  /\\|url\s*\(|image\s*\(|image-set\s*\(|@import|expression\s*\(|behavior|binding|javascript:|position\s*:/i

type AttributeCheck = (value: string) => string | null

const anyText: AttributeCheck = (value) => value
const wholeNumber: AttributeCheck = (value) =>
  /^\s*-?\d{1,7}\s*$/.test(value) ? value.trim() : null
const oneOf =
  (...allowed: string[]): AttributeCheck =>
  (value) => {
    const normalized = value.trim().toLowerCase()
    return allowed.includes(normalized) ? normalized : null
  }
const url =
  (schemes: ReadonlySet<string>): AttributeCheck =>
  (value) =>
    safeUrl(value, schemes)

const ATTRIBUTE_CHECKS: Record<string, AttributeCheck> = {
  class: anyText,
  title: anyText,
  lang: anyText,
  dir: oneOf('ltr', 'rtl', 'auto'),
  style: (value) => (UNSAFE_CSS.test(value) ? null : value),
  role: anyText,
  href: url(LINK_SCHEMES),
  src: url(WEB_SCHEMES),
  cite: url(WEB_SCHEMES),
  target: oneOf('_blank', '_self'),
  rel: (value) => {
    const tokens = value
      .toLowerCase()
      .split(/\s+/)
      .filter((token) => REL_TOKENS.has(token))
    return tokens.length > 0 ? [...new Set(tokens)].join(' ') : null
  },
  alt: anyText,
  width: wholeNumber,
  height: wholeNumber,
  loading: oneOf('lazy', 'eager'),
  span: wholeNumber,
  colspan: wholeNumber,
  rowspan: wholeNumber,
  scope: oneOf('row', 'col', 'rowgroup', 'colgroup'),
  value: wholeNumber,
  start: wholeNumber,
  reversed: () => '',
  open: () => '',
  type: (value) => (/^[1aAiI]$/.test(value.trim()) ? value.trim() : null),
  datetime: anyText,
}

/**
 * A URL attribute's value as the browser will use it, or null when its scheme is not allowed.
 * Mirrors what the URL parser does first (drops tabs and newlines anywhere, trims C0 controls and
 * spaces), then refuses any other control character rather than reason about it.
 */
function safeUrl(value: string, schemes: ReadonlySet<string>): string | null {
  const cleaned = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  if (/[\u0000-\u001f\u007f]/.test(cleaned)) return null
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)
  if (scheme && !schemes.has(scheme[1]!.toLowerCase())) return null
  return cleaned
}

/** Own keys only: tag and attribute names come from the input, and `constructor` must not look allowed. */
const has = (table: object, key: string): boolean => Object.hasOwn(table, key)

function allowedAttribute(element: string, name: string): boolean {
  return (
    GLOBAL_ATTRIBUTES.includes(name) ||
    ELEMENT_ATTRIBUTES[element]!.includes(name) ||
    /^aria-[a-z]+$/.test(name)
  )
}

function checkAttribute(name: string, value: string): string | null {
  if (name.startsWith('aria-')) return value
  return ATTRIBUTE_CHECKS[name]!(value)
}

// --- Writing ------------------------------------------------------------------------------------

/**
 * Text as it goes out: `<` and `>` escaped; `&` kept only where it starts a well-formed character
 * reference (a reference in text can only ever produce characters, never markup), else escaped.
 * NUL is dropped (browsers drop it in text too).
 */
function escapeText(text: string): string {
  return text
    .replace(/\u0000/g, '')
    .replace(/&(?!(?:[a-zA-Z][a-zA-Z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/** A decoded attribute value, escaped for a double-quoted attribute: the browser decodes it back to exactly this. */
function escapeAttribute(value: string): string {
  return value
    .replace(/\u0000/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

// --- Character references (attribute values) ---------------------------------------------------

/** Named references decoded in attribute values: the common ones and all of Latin-1. Others stay literal text. */
const NAMED_REFERENCES: Record<string, number> = {
  amp: 38,
  lt: 60,
  gt: 62,
  quot: 34,
  apos: 39,
  colon: 58,
  Tab: 9,
  NewLine: 10,
  lpar: 40,
  rpar: 41,
  sol: 47,
  num: 35,
  excl: 33,
  percnt: 37,
  quest: 63,
  equals: 61,
  plus: 43,
  comma: 44,
  period: 46,
  semi: 59,
  commat: 64,
  lowbar: 95,
  dollar: 36,
  ast: 42,
  lsqb: 91,
  rsqb: 93,
  lbrack: 91,
  rbrack: 93,
  lcub: 123,
  rcub: 125,
  grave: 96,
  euro: 8364,
  hellip: 8230,
  mdash: 8212,
  ndash: 8211,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  bull: 8226,
  trade: 8482,
  larr: 8592,
  uarr: 8593,
  rarr: 8594,
  darr: 8595,
  hearts: 9829,
  check: 10003,
  thinsp: 8201,
  ensp: 8194,
  emsp: 8195,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  dagger: 8224,
  Dagger: 8225,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  minus: 8722,
  infin: 8734,
  ne: 8800,
  le: 8804,
  ge: 8805,
  OElig: 338,
  oelig: 339,
  Scaron: 352,
  scaron: 353,
  Yuml: 376,
  fnof: 402,
  circ: 710,
  tilde: 732,
}
// Latin-1, U+00A0 to U+00FF, in code point order.
'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
  .split(' ')
  .forEach((name, index) => (NAMED_REFERENCES[name] = 0xa0 + index))

/** Browsers read numeric references to 0x80-0x9F as Windows-1252, the way old pages meant them. */
const WINDOWS_1252: Record<number, number> = {
  0x80: 0x20ac,
  0x82: 0x201a,
  0x83: 0x0192,
  0x84: 0x201e,
  0x85: 0x2026,
  0x86: 0x2020,
  0x87: 0x2021,
  0x88: 0x02c6,
  0x89: 0x2030,
  0x8a: 0x0160,
  0x8b: 0x2039,
  0x8c: 0x0152,
  0x8e: 0x017d,
  0x91: 0x2018,
  0x92: 0x2019,
  0x93: 0x201c,
  0x94: 0x201d,
  0x95: 0x2022,
  0x96: 0x2013,
  0x97: 0x2014,
  0x98: 0x02dc,
  0x99: 0x2122,
  0x9a: 0x0161,
  0x9b: 0x203a,
  0x9c: 0x0153,
  0x9e: 0x017e,
  0x9f: 0x0178,
}

function codePointOf(reference: number): string {
  if (reference === 0 || reference > 0x10ffff || (reference >= 0xd800 && reference <= 0xdfff))
    return '\ufffd'
  return String.fromCodePoint(WINDOWS_1252[reference] ?? reference)
}

/**
 * Decodes numeric references (with or without `;`) and the named ones above (with `;`). What is
 * not decoded stays as written and is escaped on output, so it reaches the browser as plain text:
 * the browser never sees a character the checks did not.
 */
function decodeAttribute(raw: string): string {
  return raw.replace(
    /&(?:#([0-9]{1,8});?|#[xX]([0-9a-fA-F]{1,7});?|([a-zA-Z][a-zA-Z0-9]{0,31});)/g,
    (whole, decimal?: string, hex?: string, name?: string) => {
      if (decimal !== undefined) return codePointOf(Number.parseInt(decimal, 10))
      if (hex !== undefined) return codePointOf(Number.parseInt(hex, 16))
      return has(NAMED_REFERENCES, name!) ? String.fromCodePoint(NAMED_REFERENCES[name!]!) : whole
    },
  )
}

// --- Tokenizing -----------------------------------------------------------------------------------

const WHITESPACE = /[\t\n\f\r ]/
const ASCII_LETTER = /[a-zA-Z]/

type Tag = {
  name: string
  isEnd: boolean
  attributes: [name: string, rawValue: string][]
  end: number
}

/**
 * Reads a tag starting at `input[start] === '<'` (a start tag, or `</` for an end tag), following
 * the standard's tag-name and attribute states. Null when the input ends inside the tag: browsers
 * drop such a tag entirely.
 */
function readTag(input: string, start: number, isEnd: boolean): Tag | null {
  let i = start + (isEnd ? 2 : 1)
  let name = ''
  while (i < input.length && !WHITESPACE.test(input[i]!) && input[i] !== '/' && input[i] !== '>')
    name += input[i++]
  const attributes: Tag['attributes'] = []
  for (;;) {
    while (i < input.length && (WHITESPACE.test(input[i]!) || input[i] === '/')) i++
    if (i >= input.length) return null
    if (input[i] === '>') return { name: name.toLowerCase(), isEnd, attributes, end: i + 1 }
    // An attribute name: its first character may be anything but whitespace, "/" and ">" ("=" included).
    let attributeName = input[i++]!
    while (i < input.length && !WHITESPACE.test(input[i]!) && !'/>='.includes(input[i]!))
      attributeName += input[i++]
    while (i < input.length && WHITESPACE.test(input[i]!)) i++
    let value = ''
    if (input[i] === '=') {
      i++
      while (i < input.length && WHITESPACE.test(input[i]!)) i++
      const quote = input[i]
      if (quote === '"' || quote === "'") {
        const close = input.indexOf(quote, i + 1)
        if (close === -1) return null
        value = input.slice(i + 1, close)
        i = close + 1
      } else {
        while (i < input.length && !WHITESPACE.test(input[i]!) && input[i] !== '>')
          value += input[i++]
      }
    }
    attributes.push([attributeName.toLowerCase(), value])
  }
}

/** Where a comment that starts at `start` (`<!--`) ends, as browsers end it (`-->`, `--!>`, or the abrupt `<!-->` / `<!--->`). */
function commentEnd(input: string, start: number): number {
  if (input.startsWith('<!-->', start)) return start + 5
  if (input.startsWith('<!--->', start)) return start + 6
  const ends = [input.indexOf('-->', start + 4), input.indexOf('--!>', start + 4)].filter(
    (index) => index !== -1,
  )
  if (ends.length === 0) return input.length
  const first = Math.min(...ends)
  return first + (input.startsWith('-->', first) ? 3 : 4)
}

/** Where raw text (the content of `<script>`, `<style>`, ...) ends: at `</name` followed by whitespace, "/" or ">", or at the end. */
function rawTextEnd(input: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'ig')
  pattern.lastIndex = from
  const match = pattern.exec(input)
  return match ? match.index : input.length
}

// --- Sanitizing -----------------------------------------------------------------------------------

/**
 * HTML reduced to the allowlist: allowed elements with allowed, checked attributes; text kept;
 * comments, doctypes and processing instructions dropped; script-bearing and foreign elements
 * dropped with their content (`script`, `style`, `iframe`, `template`, `svg`, `math`, `object`,
 * ...); any other element (`form`, `button`, `input`, custom elements, unknown tags) dropped with
 * its content kept. Tags are balanced: stray end tags are dropped and open ones closed at the end.
 * Idempotent: sanitizing the output again changes nothing.
 * @example sanitizeHtml('<b onclick="x()">Hi</b><script>alert(1)</script>') // '<b>Hi</b>'
 */
export function sanitizeHtml(input: string): string {
  const out: string[] = []
  const open: string[] = []
  let dropping: { name: string; depth: number } | null = null
  let i = 0

  const text = (chunk: string) => {
    if (!dropping && chunk) out.push(escapeText(chunk))
  }

  const startTag = (tag: Tag) => {
    if (dropping) {
      if (tag.name === dropping.name) dropping.depth++
      return
    }
    if (DROPPED_WITH_CONTENT.has(tag.name)) {
      dropping = { name: tag.name, depth: 1 }
      return
    }
    if (!has(ELEMENT_ATTRIBUTES, tag.name)) return
    const kept = new Map<string, string>()
    const seen = new Set<string>()
    for (const [name, raw] of tag.attributes) {
      // Browsers keep the first of duplicate attributes and ignore the rest, so do we.
      if (seen.has(name)) continue
      seen.add(name)
      if (!allowedAttribute(tag.name, name)) continue
      const value = checkAttribute(name, decodeAttribute(raw))
      if (value !== null) kept.set(name, value)
    }
    if (tag.name === 'a' && kept.get('target') === '_blank') {
      kept.set(
        'rel',
        [
          ...new Set([
            ...(kept.get('rel') ?? '').split(' ').filter(Boolean),
            'noopener',
            'noreferrer',
          ]),
        ].join(' '),
      )
    }
    const attributes = [...kept]
      .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
      .join('')
    out.push(`<${tag.name}${attributes}>`)
    if (!VOID_ELEMENTS.has(tag.name)) open.push(tag.name)
  }

  const endTag = (tag: Tag) => {
    if (dropping) {
      if (tag.name === dropping.name && --dropping.depth === 0) dropping = null
      return
    }
    const index = open.lastIndexOf(tag.name)
    if (index === -1) return
    while (open.length > index) out.push(`</${open.pop()}>`)
  }

  while (i < input.length) {
    const lt = input.indexOf('<', i)
    if (lt === -1) {
      text(input.slice(i))
      break
    }
    text(input.slice(i, lt))
    const next = input[lt + 1] ?? ''
    if (input.startsWith('<!--', lt)) {
      i = commentEnd(input, lt)
    } else if (
      next === '!' ||
      next === '?' ||
      (next === '/' && !ASCII_LETTER.test(input[lt + 2] ?? '') && input[lt + 2] !== '>')
    ) {
      // Doctype, CDATA, processing instruction or a malformed end tag: a bogus comment up to ">".
      const close = input.indexOf('>', lt)
      i = close === -1 ? input.length : close + 1
    } else if (next === '/' && input[lt + 2] === '>') {
      i = lt + 3 // "</>" is ignored
    } else if (ASCII_LETTER.test(next) || next === '/') {
      const tag = readTag(input, lt, next === '/')
      if (!tag) break // the input ends inside a tag: browsers drop it
      i = tag.end
      if (tag.isEnd) {
        endTag(tag)
      } else if (tag.name === 'plaintext') {
        break // everything after <plaintext> is its text: dropped with it
      } else if (RAW_TEXT_ELEMENTS.has(tag.name)) {
        i = rawTextEnd(input, i, tag.name) // the element and its raw text are dropped; its end tag is read next
      } else {
        startTag(tag)
      }
    } else {
      text('<')
      i = lt + 1
    }
  }
  while (open.length > 0) out.push(`</${open.pop()}>`)
  return out.join('')
}

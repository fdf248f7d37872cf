// Attack: inject markup through the edge's rewriting. The origin's HTML (or a page a visitor can
// influence, like a search page echoing a query into an attribute) carries slot names built to
// break out of attributes, and a marketer's (or a compromised admin's) text content carries tags.
// The edge must fill only elements whose slot name is valid, insert text as text and html only
// sanitized, and write its own attributes escaped.
import { describe, expect, it } from 'vitest'
import { createEdgeSite, edgeFetch } from '../edge/helpers'

describe('abuse: markup injection through the edge rewrite', () => {
  it('fills only valid slot names and leaves the others exactly as the origin sent them', async () => {
    const site = await createEdgeSite()
    const html = await (await edgeFetch(site.host, '/injection')).text()
    expect(html).toContain(`<h1 data-stammis-slot='hero" onmouseover="alert(1)'>Bad name</h1>`)
    expect(html).toContain('<h2 data-stammis-slot="HERO">Upper case</h2>')
    expect(html).toContain(
      '<h3 data-stammis-slot="hero" data-stammis-filled="hero-shopper">Welcome, new shopper</h3>',
    )
  })

  it('inserts text content as text and html content sanitized', async () => {
    const site = await createEdgeSite({
      rules: [
        {
          id: 'hero-text',
          slot: 'hero',
          priority: 1,
          status: 'live',
          content: { type: 'text', value: '<img src=x onerror=alert(1)> & "quotes"' },
        },
        {
          id: 'banner-html',
          slot: 'banner',
          priority: 1,
          status: 'live',
          content: {
            type: 'html',
            value: '<b onclick="alert(2)">Bold</b><script>alert(3)</script>',
          },
        },
      ],
    })
    const html = await (await edgeFetch(site.host, '/page')).text()
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; "quotes"')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('<b>Bold</b>')
    expect(html).not.toContain('alert(2)')
    expect(html).not.toContain('alert(3)')
  })
})

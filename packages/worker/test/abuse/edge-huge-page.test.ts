// Attack: exhaust the worker's memory or stall pages through the edge. A huge HTML page (tens of
// MB), or a page the origin sends slowly, must stream through: the edge never holds the whole page.
// The gated page proves it: the origin sends its first half and waits until the test has read it;
// an edge that buffered the page would never answer.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createEdgeSite, edgeFetch } from '../edge/helpers'

async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  text: string,
): Promise<string> {
  const decoder = new TextDecoder()
  let seen = ''
  while (!seen.includes(text)) {
    const { done, value } = await reader.read()
    if (done) break
    seen += decoder.decode(value, { stream: true })
  }
  return seen
}

describe('abuse: a huge or slow page through the edge', () => {
  it('streams a page whose second half the origin sends only after the first was read', async () => {
    const site = await createEdgeSite()
    const id = crypto.randomUUID()
    const response = await edgeFetch(site.host, `/gated/${id}`)
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const first = await readUntil(reader, 'first half')
    expect(first).toContain('data-stammis-filled="hero-shopper">Welcome, new shopper</h1>')
    expect(first).not.toContain('second half')
    await fetch(`${env.EDGE_TEST_ORIGIN}/__release/${id}`)
    const rest = await readUntil(reader, '</html>')
    expect(rest).toContain('second half')
  }, 20_000)

  it('passes a 24 MB page through whole, filled', async () => {
    const site = await createEdgeSite()
    const response = await edgeFetch(site.host, '/huge?mb=24')
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let bytes = 0
    let head = ''
    let tail = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      bytes += value.byteLength
      if (head.length < 4096) head += decoder.decode(value)
      else tail = decoder.decode(value).slice(-64)
    }
    expect(head).toContain('data-stammis-filled="hero-shopper">Welcome, new shopper</h1>')
    expect(tail).toContain('</html>')
    expect(bytes).toBeGreaterThan(24 * 1024 * 1024)
  }, 60_000)
})

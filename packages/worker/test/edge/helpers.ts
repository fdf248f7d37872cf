import { env, SELF } from 'cloudflare:test'
import { adminFetch, createTestSite, publishRules, type TestSite } from '../helpers'

/** A desktop Chrome user agent: a browser the edge personalizes for (not a bot). */
export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/** Rules for the origin's test page: `hero` per segment, `banner` html for everyone. */
export const EDGE_RULES = [
  {
    id: 'hero-shopper',
    slot: 'hero',
    priority: 10,
    status: 'live',
    when: { segments: ['shopper'] },
    content: { type: 'text', value: 'Welcome, new shopper' },
  },
  {
    id: 'hero-returning',
    slot: 'hero',
    priority: 10,
    status: 'live',
    when: { segments: ['returning', 'repeat'] },
    content: { type: 'text', value: 'Welcome back' },
  },
  {
    id: 'banner-all',
    slot: 'banner',
    priority: 5,
    status: 'live',
    content: { type: 'html', value: '<strong>Fresh</strong> beans' },
  },
] as const

export type EdgeSite = TestSite & { host: string }

let counter = 0

/** A unique hostname per call, so tests never share an edge hostname. */
export function uniqueHost(label = 'shop'): string {
  return `${label}-${Date.now().toString(36)}-${++counter}.test`
}

/**
 * A fresh site whose edge is on a hostname of its own, in front of the test origin, with
 * `rules` published (EDGE_RULES by default; [] for none).
 * @example const site = await createEdgeSite()
 */
export async function createEdgeSite(
  options: { rules?: readonly unknown[]; origin?: string } = {},
): Promise<EdgeSite> {
  const host = uniqueHost()
  const site = await createTestSite({ origins: [`https://${host}`] })
  const response = await adminFetch('/v1/admin/site', site.secretKey, {
    method: 'PATCH',
    body: JSON.stringify({
      edge: { origin: options.origin ?? env.EDGE_TEST_ORIGIN, hostnames: [host] },
    }),
  })
  if (!response.ok)
    throw new Error(`the edge config was refused: ${response.status} ${await response.text()}`)
  const rules = options.rules ?? EDGE_RULES
  if (rules.length > 0) await publishRules(site, rules)
  return { ...site, host }
}

/**
 * A browser's request to a page on an edge hostname (HTML accepted, Chrome's user agent).
 * Redirects are not followed, so a test sees the origin's own answer.
 * @example const page = await edgeFetch(site.host, '/page')
 */
export function edgeFetch(host: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
  if (!headers.has('user-agent')) headers.set('user-agent', CHROME_UA)
  return SELF.fetch(`https://${host}${path}`, { redirect: 'manual', ...init, headers })
}

/** The cookies a response sets, by name (value only). */
export function setCookies(response: Response): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const at = pair!.indexOf('=')
    cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1))
  }
  return cookies
}

import { tokenCookie } from './identity'

// `/__stammis/*` on an edge hostname: the SDK and the public API, first-party, so the SDK's
// cookies are the shop's own and third-party blocklists do not apply. Only these paths; anything
// else under the prefix gets the API's 404 (the admin API is never reachable on a shop hostname).

const FIRST_PARTY_PATHS: ReadonlyMap<string, string> = new Map([
  ['/__stammis/s.js', '/s.js'],
  ['/__stammis/edge.js', '/edge.js'],
  ['/__stammis/preview.js', '/preview.js'],
  ['/__stammis/v1/events', '/v1/events'],
  ['/__stammis/v1/decide', '/v1/decide'],
])

/**
 * The API request for a first-party path. A browser call from the edge hostname's own pages is
 * same-origin: its Origin header is dropped, so the site's allowed origins need not list its edge
 * hostnames (a request without Origin is what a server or curl sends anyway: the origin list
 * guards against other sites' pages, which still send theirs).
 * @example return api(firstPartyRequest(request, new URL(request.url)))
 */
export function firstPartyRequest(request: Request, url: URL): Request {
  const path = FIRST_PARTY_PATHS.get(url.pathname) ?? '/__stammis/not-found'
  const forwarded = new Request(new URL(path + url.search, url), request)
  if (forwarded.headers.get('origin') === url.origin) forwarded.headers.delete('origin')
  return forwarded
}

/**
 * A first-party events or decide answer with its fresh profile token also set as the `stm_p`
 * cookie. The browser stores a Set-Cookie even when the page that sent the call has gone (a
 * purchase sent as the checkout page unloads, whose answer the SDK never reads): the edge's next
 * page then decides on the token that knows the purchase, not on the one issued before it.
 * @example return withTokenCookie(await api(firstPartyRequest(request, url)), url)
 */
export async function withTokenCookie(response: Response, url: URL): Promise<Response> {
  const isApi = url.pathname === '/__stammis/v1/events' || url.pathname === '/__stammis/v1/decide'
  if (!isApi || response.status !== 200) return response
  // The answer is a small JSON text the route just made: read once, then sent on as it is.
  const text = await response.text()
  const answer = JSON.parse(text) as { profileToken?: unknown }
  const cookie =
    typeof answer.profileToken === 'string'
      ? tokenCookie(answer.profileToken, url.protocol === 'https:')
      : null
  const withCookie = new Response(text, response)
  if (!cookie) return withCookie
  withCookie.headers.append('set-cookie', cookie)
  return withCookie
}

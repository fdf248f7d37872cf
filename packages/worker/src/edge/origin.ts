// Fetching the shop's origin: the URL (never rebased by the request's path), the forwarded
// headers, the shared cache of its HTML, and what an unreachable origin looks like.

/**
 * The origin URL for a request: the configured origin with the request's path and query appended
 * as text. Never `new URL(path, origin)`, which would let `//evil.example/x` name another host.
 * @example originUrl('https://origin.shop.example', new URL('https://shop.example//x?q=1')) // 'https://origin.shop.example//x?q=1'
 */
export function originUrl(origin: string, url: URL): string {
  return origin + url.pathname + url.search
}

/** Request headers the edge does not forward: the origin is another host, and hop-by-hop ones. */
const DROPPED_REQUEST_HEADERS = ['host', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']
/** Conditional and range headers, dropped when the edge means to rewrite the page (a 304 or 206 could not be filled). */
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'if-range', 'range']

/**
 * The request to send to the origin: same method, headers (cookies included: the shop's own) and
 * streamed body, plus `X-Forwarded-Host` / `X-Forwarded-Proto` so the origin knows the public URL.
 * Redirects are not followed: the browser gets them as the origin sent them.
 * @example await fetch(originRequest(request, url, 'https://origin.shop.example', { forRewrite: true }))
 */
export function originRequest(
  request: Request,
  url: URL,
  origin: string,
  options: { forRewrite: boolean },
): Request {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  // The new request's headers are its own copy: edited in place, not copied twice.
  const forwarded = new Request(originUrl(origin, url), {
    method: request.method,
    headers: request.headers,
    body: hasBody ? request.body : null,
    redirect: 'manual',
  })
  const { headers } = forwarded
  for (const name of DROPPED_REQUEST_HEADERS) headers.delete(name)
  if (options.forRewrite) for (const name of CONDITIONAL_HEADERS) headers.delete(name)
  headers.set('x-forwarded-host', url.host)
  headers.set('x-forwarded-proto', url.protocol.slice(0, -1))
  return forwarded
}

/**
 * What the browser gets when the origin cannot be reached at all (DNS, refused connection, TLS):
 * a 502, as Cloudflare itself answers for an unreachable origin, never cached. Any answer the
 * origin did give (its own 4xx and 5xx included) passes through unchanged instead.
 */
export function originUnreachable(): Response {
  return new Response("502 Bad Gateway: the shop's origin server did not answer.\n", {
    status: 502,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })
}

/**
 * Whether a shared cache may keep this origin answer for everyone (RFC 9111's rules for a shared
 * cache, conservatively): a 200 with a freshness lifetime (`s-maxage`, `max-age` or `Expires`),
 * without `private`, `no-store`, `no-cache` or Set-Cookie, varying by nothing but the encoding,
 * for a request without credentials. One cached copy then serves every segment: the edge
 * personalizes after the cache.
 * @example isSharedCacheable(request, response)
 */
export function isSharedCacheable(request: Request, response: Response): boolean {
  if (response.status !== 200 || request.headers.has('authorization')) return false
  if (response.headers.has('set-cookie')) return false
  const cacheControl = (response.headers.get('cache-control') ?? '').toLowerCase()
  if (/(^|[\s,])(private|no-store|no-cache)\b/.test(cacheControl)) return false
  const vary = (response.headers.get('vary') ?? '').toLowerCase().split(',')
  if (vary.some((name) => name.trim() !== '' && name.trim() !== 'accept-encoding')) return false
  const lifetime = /(?:s-maxage|max-age)=([0-9]+)/.exec(cacheControl)
  if (lifetime) return Number(lifetime[1]) > 0
  return response.headers.has('expires')
}

/** Origin URLs this isolate remembers as cacheable; past it the memory starts over. */
export const MAX_CACHEABLE_URLS = 10_000

/**
 * Origin URLs whose last answer was shared-cacheable: deliberate, bounded module state. Most shop
 * HTML is `no-store` (carts, sessions), and a Cache API lookup for it would cost every page view a
 * round trip for nothing; so the cache is only asked for URLs the origin has already said may be
 * cached (the first request of a cacheable URL in an isolate goes to the origin and stores it).
 */
const cacheableUrls = new Set<string>()

function rememberCacheable(url: string, isCacheable: boolean): void {
  if (!isCacheable) {
    cacheableUrls.delete(url)
    return
  }
  if (cacheableUrls.size >= MAX_CACHEABLE_URLS) cacheableUrls.clear()
  cacheableUrls.add(url)
}

/**
 * The origin's answer for a page the edge will personalize: from the shared cache (Cache API)
 * when a cacheable copy is there, else fetched, and stored when the origin allows it. Null when
 * the origin could not be reached.
 * @example const response = await fetchOriginPage(request, url, site.origin, ctx)
 */
export async function fetchOriginPage(
  request: Request,
  url: URL,
  origin: string,
  ctx: ExecutionContext,
): Promise<Response | null> {
  const target = originUrl(origin, url)
  const mayUseCache = !request.headers.has('authorization')
  if (mayUseCache && cacheableUrls.has(target)) {
    const cached = await caches.default.match(new Request(target))
    if (cached) return cached
  }
  let response: Response
  try {
    response = await fetch(originRequest(request, url, origin, { forRewrite: true }))
  } catch {
    return null
  }
  if (mayUseCache) {
    const isCacheable = isSharedCacheable(request, response)
    rememberCacheable(target, isCacheable)
    if (isCacheable)
      ctx.waitUntil(
        caches.default.put(new Request(target), response.clone()).catch(() => undefined),
      )
  }
  return response
}

/**
 * The origin's answer passed through untouched (any method, any type, streamed both ways).
 * @example return passThrough(request, url, site.origin)
 */
export async function passThrough(request: Request, url: URL, origin: string): Promise<Response> {
  try {
    return await fetch(originRequest(request, url, origin, { forRewrite: false }))
  } catch {
    return originUnreachable()
  }
}

import { decideForVisitor } from '../decide/decide-for-visitor'
import type { Env } from '../env'
import { isBot } from '../http/bots'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { siteByPublicKey } from '../sites/directory'
import type { EdgeSite } from '../sites/edge-config'
import { firstPartyRequest, withTokenCookie } from './first-party'
import { edgeIdentity, identityCookies } from './identity'
import { fetchOriginPage, originUnreachable, passThrough } from './origin'
import { boundedDecisions } from './page-decisions'
import { rewritePage } from './rewrite'

/**
 * The longest the edge holds a page for the visitor's decisions, counted from the request's
 * arrival (the decision starts at once, beside the origin fetch). Past it the page streams on with
 * its defaults and the SDK fills the slots as on any page. 150 ms: a decide with its storage read
 * takes about 30 ms at p50 and 115 ms at p99 on main's bench; a cold isolate may take longer.
 */
export const EDGE_DECISION_WAIT_MS = 150

/**
 * A request on one of a site's edge hostnames: `/__stammis/*` is the public API and the SDK,
 * first-party; a browser's GET for HTML is fetched from the origin (or the shared cache) and
 * personalized as it streams; everything else (other methods, non-HTML, bots, redirects, the
 * origin's errors) passes through unchanged and streamed.
 * @example if (site) return handleEdge(request, env, ctx, site, (r) => app.fetch(r, env, ctx))
 */
export async function handleEdge(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  site: EdgeSite,
  api: (request: Request) => Response | Promise<Response>,
): Promise<Response> {
  const url = new URL(request.url)
  if (url.pathname === '/__stammis' || url.pathname.startsWith('/__stammis/'))
    return withTokenCookie(await api(firstPartyRequest(request, url)), url)
  if (!isPersonalizable(request)) return passThrough(request, url, site.origin)

  const now = Date.now()
  const identity = edgeIdentity(request.headers.get('cookie'), now)
  // The decision starts at once, beside the origin fetch; rate limits first, as decide counts
  // them before its read: a flood of page views costs no query once refused.
  // No site for the key any more (a key just replaced): no decision, the page keeps its defaults.
  const decided = enforceRateLimits(env, browserChecks(site.publicKey, identity.visitorId))
    .then(() => siteByPublicKey(env.DB, site.publicKey, now))
    .then(
      (known) =>
        known &&
        decideForVisitor(
          env,
          (promise) => ctx.waitUntil(promise),
          known,
          {
            visitorId: identity.visitorId,
            visitId: identity.visitId,
            slots: 'live',
            context: { url: request.url, referrer: request.headers.get('referer') ?? undefined },
            profileToken: identity.profileToken,
          },
          now,
        ),
    )
  let profileToken: string | undefined
  // A failing or slow decision leaves the origin's defaults: it never fails the page.
  const pageDecisions = boundedDecisions(
    decided.then((answer) => {
      profileToken = answer?.profileToken
      return answer?.decisions ?? null
    }),
    now + EDGE_DECISION_WAIT_MS,
  )

  const origin = await fetchOriginPage(request, url, site.origin, ctx)
  if (!origin) return originUnreachable()
  const type = origin.headers.get('content-type') ?? ''
  if (origin.status !== 200 || !/^text\/html\b/i.test(type)) return origin

  const headers = new Headers(origin.headers)
  // Personalized for this visitor: no shared cache may keep it, and the origin's validators
  // describe another body.
  headers.set('cache-control', 'private, no-store')
  for (const name of ['etag', 'last-modified', 'content-length', 'expires']) headers.delete(name)
  // The token cookie only if the decision is already in: the headers never wait for it.
  const cookies = identityCookies(identity, { isSecure: url.protocol === 'https:', profileToken })
  for (const cookie of cookies) headers.append('set-cookie', cookie)
  // The rewrite keeps the headers of the response it is given: set them once, before it.
  const page = new Response(origin.body, {
    status: origin.status,
    statusText: origin.statusText,
    headers,
  })
  return rewritePage(page, pageDecisions, {
    publicKey: site.publicKey,
    // Only the slots this page had, and only if their decisions arrived in time (shown).
    onShown: (slots) =>
      void decided.then(
        (answer) => answer?.recordShown(slots),
        () => {},
      ),
  })
}

/** A browser's navigation to a page: GET, accepting HTML, not a bot, not a range request. */
function isPersonalizable(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.has('range')) return false
  if (!(request.headers.get('accept') ?? '').includes('text/html')) return false
  return !isBot(request)
}

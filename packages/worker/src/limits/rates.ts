import type { Env } from '../env'
import { ApiError } from '../errors'

/**
 * Request rates on the public routes, enforced with Cloudflare's Rate Limiting bindings. The
 * numbers live in wrangler.jsonc (`ratelimits`, which is what counts) and here (for Retry-After,
 * messages and docs); `rates.test.ts` checks that the two agree. Counts are per Cloudflare
 * location, so a flood from one place cannot use up another place's budget.
 */
export const RATE_LIMITS = {
  /** `POST /v1/events` and `/v1/decide` together, per site and visitor id: 2 a second sustained. */
  visitor: { binding: 'RATE_LIMIT_VISITOR', limit: 120, periodSeconds: 60, scope: 'this visitor' },
  /** Both routes per site (public key), whatever the visitor id: rotating ids does not escape it. */
  site: { binding: 'RATE_LIMIT_SITE', limit: 1000, periodSeconds: 10, scope: 'this site' },
  /** `POST /v1/webhooks/:publicKey/orders`, per public key (checked before the signature). */
  webhook: {
    binding: 'RATE_LIMIT_WEBHOOK',
    limit: 120,
    periodSeconds: 60,
    scope: "this site's webhook",
  },
  /** `POST /admin/sign-in`, per client address: brute force gets 10 guesses a minute. */
  signIn: { binding: 'RATE_LIMIT_SIGN_IN', limit: 10, periodSeconds: 60, scope: 'this address' },
} as const satisfies Record<
  string,
  { binding: keyof Env; limit: number; periodSeconds: 10 | 60; scope: string }
>

export type RateLimitName = keyof typeof RATE_LIMITS

/** One count to take: which limit, and whose budget (a site, a visitor, an address). */
export type RateCheck = { limit: RateLimitName; key: string }

/**
 * The checks for a browser call (`/v1/events`, `/v1/decide`): the site's budget, and the
 * visitor's when the body names one (an invalid id is refused later, by validation).
 * @example browserChecks('pk_demo', 'V1StGXR8_Z5jdHi6B-myT')
 */
export function browserChecks(publicKey: string, visitorId: unknown): RateCheck[] {
  const checks: RateCheck[] = [{ limit: 'site', key: publicKey }]
  if (typeof visitorId === 'string' && visitorId.length <= 64)
    checks.push({ limit: 'visitor', key: `${publicKey}:${visitorId}` })
  return checks
}

/**
 * Counts the request against every check at once and names the first limit it is over, or null.
 * Every check is counted, even when another is over: a refused request still used the caller's
 * budget, which is what makes a flood stop paying off.
 * @example const over = await overRateLimit(c.env, [{ limit: 'signIn', key: address }])
 */
export async function overRateLimit(
  env: Env,
  checks: readonly RateCheck[],
): Promise<RateLimitName | null> {
  const outcomes = await Promise.all(
    checks.map((check) => env[RATE_LIMITS[check.limit].binding].limit({ key: check.key })),
  )
  const index = outcomes.findIndex((outcome) => !outcome.success)
  return index === -1 ? null : checks[index]!.limit
}

/**
 * Refuses the request with 429 `rate_limited` and a Retry-After of the limit's window when any
 * check is over its limit. Call it before any storage work, so a refusal costs no D1 query.
 * @example await enforceRateLimits(c.env, browserChecks(publicKey, raw.visitorId))
 */
export async function enforceRateLimits(env: Env, checks: readonly RateCheck[]): Promise<void> {
  const over = await overRateLimit(env, checks)
  if (over) throw rateLimited(over)
}

/**
 * The `rate_limited` error for a limit, with Retry-After set to the limit's window (the longest
 * the caller can have to wait).
 * @example throw rateLimited('visitor')
 */
export function rateLimited(name: RateLimitName): ApiError {
  const { limit, periodSeconds, scope } = RATE_LIMITS[name]
  return new ApiError(
    'rate_limited',
    `Too many requests for ${scope}: at most ${limit} every ${periodSeconds} seconds. Retry after ${periodSeconds} seconds.`,
    undefined,
    {
      retryAfterSeconds: periodSeconds,
    },
  )
}

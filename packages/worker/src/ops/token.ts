import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { ApiError, handleNotFound } from '../errors'
import { constantTimeEqual, sha256Hex } from '../lib/crypto'

/**
 * The shortest OPS_TOKEN the operator routes accept: a shorter one leaves them off (404), so a
 * guessable token can never open them. `openssl rand -hex 32` gives 64 characters.
 */
export const MIN_OPS_TOKEN_LENGTH = 32

/**
 * Guards /v1/ops/*: without an OPS_TOKEN of at least MIN_OPS_TOKEN_LENGTH characters the routes
 * do not exist (404, as any unknown path); with one, a request needs
 * `Authorization: Bearer <OPS_TOKEN>`. The two are compared as SHA-256 digests in constant time,
 * so neither the time taken nor an early exit tells how much of a guess was right, nor its length.
 * @example app.use('/v1/ops/*', requireOpsToken())
 */
export function requireOpsToken(): MiddlewareHandler<AppEnv> {
  return async function requireOpsTokenMiddleware(c, next) {
    const configured = c.env.OPS_TOKEN ?? ''
    if (configured.length < MIN_OPS_TOKEN_LENGTH) return handleNotFound(c)
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1]?.trim()
    if (!given)
      throw new ApiError(
        'missing_ops_token',
        'Operator routes need "Authorization: Bearer <OPS_TOKEN>".',
      )
    const [expected, actual] = await Promise.all([sha256Hex(configured), sha256Hex(given)])
    if (!constantTimeEqual(expected, actual))
      throw new ApiError(
        'invalid_ops_token',
        "The bearer token is not this deployment's OPS_TOKEN.",
      )
    await next()
  }
}

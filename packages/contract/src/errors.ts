import { z } from 'zod'

/**
 * Every error the API can answer, with its HTTP status. A code cannot exist without a status:
 * the `satisfies` check below makes the compiler refuse it.
 * Error bodies are always `{ "error": { "code": "...", "message": "..." } }`.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, description: 'The body is not valid JSON.' },
  invalid_request: {
    status: 400,
    description: 'A field is missing, of the wrong type or out of range.',
  },
  unsupported_media_type: { status: 415, description: 'Send application/json or text/plain.' },
  payload_too_large: {
    status: 413,
    description: 'The body is larger than the route takes (64 KB for browser calls).',
  },
  rate_limited: {
    status: 429,
    description: 'Too many requests for this visitor, site or address; wait Retry-After seconds.',
  },
  quota_exceeded: {
    status: 429,
    description:
      "The site's daily write quota is used up; wait Retry-After seconds (next UTC day).",
  },
  missing_site_key: { status: 401, description: 'The request names no site public key.' },
  unknown_site: { status: 401, description: 'No site has this public key.' },
  secret_key_in_browser_call: {
    status: 401,
    description: 'A secret key was sent where a public key belongs.',
  },
  missing_api_key: {
    status: 401,
    description: 'The admin API needs "Authorization: Bearer sk_...".',
  },
  invalid_api_key: { status: 401, description: 'The secret key is not valid for any site.' },
  missing_ops_token: {
    status: 401,
    description: 'An operator route (/v1/ops/*) without "Authorization: Bearer <OPS_TOKEN>".',
  },
  invalid_ops_token: {
    status: 401,
    description: "The bearer token is not the deployment's OPS_TOKEN.",
  },
  session_expired: {
    status: 401,
    description: 'The admin session is unknown or expired; sign in again.',
  },
  csrf_token_invalid: {
    status: 403,
    description: 'A signed-in admin call without the right X-CSRF-Token header.',
  },
  public_key_not_allowed: {
    status: 403,
    description: 'Admin routes need the secret key, not the public one.',
  },
  invalid_preview: {
    status: 403,
    description: 'The preview token is expired, forged or for another site.',
  },
  invalid_signature: {
    status: 401,
    description: 'A webhook without a valid signature for this site.',
  },
  stale_webhook: {
    status: 401,
    description: 'A webhook whose timestamp is more than 5 minutes from now.',
  },
  webhook_replayed: { status: 409, description: 'A webhook delivery that was already accepted.' },
  origin_not_allowed: {
    status: 403,
    description: "The request's Origin is not allowed for this site.",
  },
  destination_not_allowed: {
    status: 400,
    description:
      'A moment destination must be an https URL on a public host (no private, loopback or link-local address).',
  },
  destination_limit_reached: {
    status: 409,
    description:
      'The site already has the most moment destinations allowed (10); delete one first.',
  },
  not_found: { status: 404, description: 'No such route.' },
  site_not_found: {
    status: 404,
    description: 'No site has this id (operator routes, which name sites by id).',
  },
  destination_not_found: { status: 404, description: 'The site has no such moment destination.' },
  delivery_not_found: { status: 404, description: 'The site has no such moment delivery.' },
  version_not_found: { status: 404, description: 'No published version with that number.' },
  visitor_not_found: {
    status: 404,
    description: 'Nothing is held about this visitor id (never seen, or erased).',
  },
  customer_not_found: {
    status: 404,
    description: 'Nothing is held about this customer id (never seen, or erased).',
  },
  hostname_taken: {
    status: 409,
    description: "An edge hostname is already another site's; remove it there first.",
  },
  nothing_to_fit: {
    status: 409,
    description: 'No customer bought on or before the day asked for: there is nothing to fit yet.',
  },
  no_prediction_fit: {
    status: 409,
    description: 'The site has no prediction fit yet: POST /v1/admin/predictions/fit first.',
  },
  publish_conflict: {
    status: 409,
    description: 'Another publish happened at the same time; retry.',
  },
  internal_error: { status: 500, description: 'Something went wrong on our side; it was logged.' },
} as const satisfies Record<string, { status: number; description: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Every code of the registry, as a schema (for error answers and the OpenAPI document). */
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])

/**
 * The body of every error answer. `issues` lists every validation problem (`invalid_request`).
 * @example { error: { code: 'invalid_request', message: 'slots: Too small', issues: [{ path: 'slots', message: 'Too small' }] } }
 */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: ErrorCodeSchema,
    message: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
})

export type ErrorBody = z.infer<typeof ErrorBodySchema>

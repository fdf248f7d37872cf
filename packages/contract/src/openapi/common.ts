import { z } from 'zod'
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiRequestBodyObject,
  ZodOpenApiResponsesObject,
  ZodOpenApiSecuritySchemeObject,
} from 'zod-openapi'
import { ERROR_CODES, ErrorBodySchema, type ErrorCode } from '../errors'

/** The admin app's session cookie (the worker's `SESSION_COOKIE`; a worker test keeps them equal). */
export const SESSION_COOKIE_NAME = 'stammis_session'

/** How callers prove who they are, by scheme name. */
export const SECURITY_SCHEMES = {
  secretKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_...',
    description:
      "`Authorization: Bearer sk_...`: the site's secret key, for servers and the CLI. Add `X-Stammis-User: name` to be named in the audit log.",
  },
  adminSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE_NAME,
    description:
      'The admin app session (12 hours), set by signing in at `/admin`. Calls that change something also need `X-CSRF-Token`.',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      "The session's CSRF token: required with the session cookie on every call that changes something.",
  },
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Stammis-Signature',
    description:
      '`v1=<hex HMAC-SHA256(webhook secret, "<Stammis-Timestamp>.<raw body>")>`, with the secret from `POST /v1/admin/site/webhook-secret`.',
  },
} satisfies Record<string, ZodOpenApiSecuritySchemeObject>

type SecurityRequirement = Partial<Record<keyof typeof SECURITY_SCHEMES, string[]>>

/** Admin reads: the secret key, or the session cookie alone. */
export const ADMIN_READ: SecurityRequirement[] = [{ secretKey: [] }, { adminSession: [] }]
/** Admin changes: the secret key, or the session cookie with its CSRF token. */
export const ADMIN_WRITE: SecurityRequirement[] = [
  { secretKey: [] },
  { adminSession: [], csrfToken: [] },
]

/** What a browser route says about its auth: OpenAPI cannot name a key carried in the body. */
export const PUBLIC_KEY_AUTH =
  "Auth: the site's public key (`pk_...`) in the body's `site` field; no header. From a browser, the `Origin` must be one of the site's allowed origins."

const RETRY_AFTER = z.object({
  'Retry-After': z.string().meta({ description: 'Seconds to wait before trying again.' }),
})

/** A status as a key of OpenAPI's responses object. */
type StatusKey = `${1 | 2 | 3 | 4 | 5}${string}`

/**
 * The error answers of an operation, grouped by status: each lists its codes, and every one has
 * the error body. `Retry-After` comes with 429.
 * @example errorResponses(['invalid_request', 'unknown_site']) // { 400: ..., 401: ... }
 */
export function errorResponses(codes: readonly ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set([...codes, 'internal_error' as const])) {
    const status = ERROR_CODES[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: ZodOpenApiResponsesObject = {}
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[`${status}` as StatusKey] = {
      description: statusCodes
        .map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`)
        .join(' '),
      content: { 'application/json': { schema: ErrorBodySchema } },
      ...(status === 429 ? { headers: RETRY_AFTER } : {}),
    }
  }
  return responses
}

/** Errors any JSON body can cause. */
export const BODY_ERRORS = [
  'invalid_json',
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
] as const satisfies readonly ErrorCode[]

/** Errors of the admin auth: no key, a wrong key, the public key, an expired session. */
export const ADMIN_AUTH_ERRORS = [
  'missing_api_key',
  'invalid_api_key',
  'session_expired',
  'public_key_not_allowed',
] as const satisfies readonly ErrorCode[]

/** A JSON request body. */
export function jsonBody(schema: z.ZodType, description?: string): ZodOpenApiRequestBodyObject {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { 'application/json': { schema } },
  }
}

/** A JSON answer. */
export function jsonAnswer(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/**
 * An admin operation: its auth (reads and changes differ) and its admin errors; `body` errors
 * when it takes a body.
 * @example adminOperation('write', { summary: 'Publish', requestBody: jsonBody(X), responses: { 200: jsonAnswer(Y, 'ok') } }, ['publish_conflict'])
 */
export function adminOperation(
  access: 'read' | 'write',
  operation: ZodOpenApiOperationObject,
  errors: readonly ErrorCode[] = [],
): ZodOpenApiOperationObject {
  const bodyErrors = operation.requestBody ? BODY_ERRORS : []
  const csrf = access === 'write' ? (['csrf_token_invalid'] as const) : []
  return {
    tags: ['admin'],
    ...operation,
    security: access === 'read' ? ADMIN_READ : ADMIN_WRITE,
    responses: {
      ...operation.responses,
      ...errorResponses([...bodyErrors, ...ADMIN_AUTH_ERRORS, ...csrf, ...errors]),
    },
  }
}

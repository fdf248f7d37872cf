import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@stammis/contract'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'

type Issue = { path: string; message: string }

/**
 * The one error type of the API: it knows its code, and the code knows its HTTP status.
 * @example throw new ApiError('unknown_site', 'No site has the public key "pk_x".')
 */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly issues: Issue[] | undefined
  /** Seconds the client should wait before trying again: sent as `Retry-After` (429 answers). */
  readonly retryAfterSeconds: number | undefined

  constructor(
    code: ErrorCode,
    message: string,
    issues?: Issue[],
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.issues = issues
    this.retryAfterSeconds = options.retryAfterSeconds
  }

  get status(): ContentfulStatusCode {
    return ERROR_CODES[this.code].status
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message }
    if (this.issues) error.issues = this.issues
    return { error }
  }
}

/**
 * Turns zod issues into an `invalid_request` error whose message names the first problem, so a
 * developer reading a console log sees what to fix without expanding anything.
 */
export function invalidRequest(error: z.ZodError): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }))
  const first = issues[0]
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return new ApiError('invalid_request', `${first?.path}: ${first?.message}${more}`, issues)
}

/** `app.onError`: known errors become their JSON body; anything else is logged and hidden. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds))
    return c.json(err.toBody(), err.status)
  }
  console.error('unhandled error', err)
  const internal = new ApiError('internal_error', 'Internal error; it was logged.')
  return c.json(internal.toBody(), internal.status)
}

/** `app.notFound`. */
export function handleNotFound(c: Context): Response {
  const error = new ApiError(
    'not_found',
    `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`,
  )
  return c.json(error.toBody(), error.status)
}

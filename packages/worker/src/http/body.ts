import type { Context } from 'hono'
import type { z } from 'zod'
import { ApiError, invalidRequest } from '../errors'
import { utf8Text } from '../lib/crypto'

/** Bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024
/** Admin calls carry whole rule sets (up to 500 rules with HTML content), so they may be larger. */
export const ADMIN_MAX_BODY_BYTES = 2 * 1024 * 1024

// Browsers send text/plain to skip the CORS preflight; servers usually send application/json.
const ACCEPTED_TYPES = ['application/json', 'text/plain']

/**
 * Reads the request body as JSON, whether sent as application/json or text/plain, refusing
 * anything over 64 KB. It stops reading as soon as the limit is passed, so a huge body costs
 * nothing.
 * @example const raw = await readJson(c)
 */
export async function readJson(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  assertJsonContentType(c)
  return parseJsonText(await readText(c.req.raw, maxBytes))
}

/** Refuses a content type other than JSON or text/plain (none at all is accepted). */
export function assertJsonContentType(c: Context): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type && !ACCEPTED_TYPES.includes(type)) {
    throw new ApiError(
      'unsupported_media_type',
      `Content-Type "${type}" is not accepted; send application/json or text/plain.`,
    )
  }
}

/** JSON text to a value, or `invalid_json`. @example parseJsonText('{"a":1}') // { a: 1 } */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '')
    throw new ApiError('invalid_json', 'The body is empty; send a JSON object.')
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError('invalid_json', 'The body is not valid JSON.')
  }
}

/**
 * The body as text, read up to `maxBytes` and no further: a declared Content-Length over the cap
 * is refused before reading, and a streamed body is cancelled as soon as it passes the cap
 * (`payload_too_large`, 413). Routes whose body must be seen raw (a webhook's signature) use it.
 * @example const raw = await readText(c.req.raw, 2 * 1024 * 1024)
 */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  return utf8Text(await readBytes(request, maxBytes))
}

/**
 * The body's bytes, read up to `maxBytes` and no further (see `readText`).
 * @example const bytes = await readBytes(c.req.raw, 8 * 1024)
 */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes) throw tooLarge(maxBytes)
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/**
 * Reads and validates a JSON body against a schema.
 * @example const body = await readBody(c, EventsRequestSchema)
 */
export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c, maxBytes))
}

/** Validates a value, turning zod's error into the API's `invalid_request`. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalidRequest(result.error)
  return result.data
}

function tooLarge(maxBytes: number): ApiError {
  const size = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MB` : `${maxBytes / 1024} KB`
  return new ApiError('payload_too_large', `The body is larger than ${size}.`)
}

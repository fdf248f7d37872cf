import type { Context } from 'hono'
import type { z } from 'zod'
import { ApiError, invalidRequest } from '../errors'

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
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type && !ACCEPTED_TYPES.includes(type)) {
    throw new ApiError('unsupported_media_type', `Content-Type "${type}" is not accepted; send application/json or text/plain.`)
  }
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > maxBytes) throw tooLarge(maxBytes)

  const text = await readCapped(c.req.raw, maxBytes)
  if (text.trim() === '') throw new ApiError('invalid_json', 'The body is empty; send a JSON object.')
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError('invalid_json', 'The body is not valid JSON.')
  }
}

/**
 * Reads and validates a JSON body against a schema.
 * @example const body = await readBody(c, EventsRequestSchema)
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S, maxBytes = MAX_BODY_BYTES): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c, maxBytes))
}

/** Validates a value, turning zod's error into the API's `invalid_request`. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalidRequest(result.error)
  return result.data
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return ''
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
  return new TextDecoder().decode(bytes)
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The body is larger than ${maxBytes / 1024} KB.`)
}

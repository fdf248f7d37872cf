import { constantTimeEqual, hmacSha256, toHex } from './crypto'
import { MINUTE_MS, SECOND_MS } from './days'

/** Deliveries older (or further in the future) than this are refused. */
export const WEBHOOK_TOLERANCE_MS = 5 * MINUTE_MS

/**
 * The signature the shop's server sends in `Stammis-Signature: v1=<hex>`: HMAC-SHA256, keyed with
 * the site's webhook secret, over `<timestamp>.<raw body>` (the timestamp is `Stammis-Timestamp`,
 * in Unix seconds).
 * @example await signWebhook('whsec_...', 1764000000, '{"orders":[...]}') // 'v1=3f2a...'
 */
export async function signWebhook(
  secret: string,
  timestamp: number,
  rawBody: string,
): Promise<string> {
  return `v1=${toHex(await hmacSha256(secret, `${timestamp}.${rawBody}`))}`
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'mismatch' | 'stale' }

/** Checks a delivery's timestamp and signature; the comparison takes the same time either way. */
export async function checkWebhookSignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  rawBody: string,
  now: number,
): Promise<SignatureCheck> {
  const timestamp = Number(timestampHeader)
  if (!timestampHeader || !signatureHeader || !Number.isInteger(timestamp))
    return { ok: false, reason: 'missing' }
  if (Math.abs(now - timestamp * SECOND_MS) > WEBHOOK_TOLERANCE_MS)
    return { ok: false, reason: 'stale' }
  const expected = await signWebhook(secret, timestamp, rawBody)
  return constantTimeEqual(expected, signatureHeader.trim())
    ? { ok: true }
    : { ok: false, reason: 'mismatch' }
}

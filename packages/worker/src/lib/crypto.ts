import { customAlphabet } from 'nanoid'

// The worker's one home for hashing, HMAC, encodings, constant-time comparison and random tokens:
// every signature (identities, webhooks, offer codes, preview links) and every stored hash goes
// through here.

const keys = new Map<string, Promise<CryptoKey>>()
// One of each per isolate: every signature and token check encodes or decodes text.
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A text's UTF-8 bytes.
 * @example utf8Bytes('é') // Uint8Array [195, 169]
 */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * UTF-8 bytes as text.
 * @example utf8Text(new Uint8Array([195, 169])) // 'é'
 */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      utf8Bytes(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    keys.set(secret, key)
  }
  return key
}

/**
 * HMAC-SHA256 of a message with one of a site's secrets. Imported keys are kept per secret for the
 * isolate's life: a handful of sites' secrets, each imported once.
 * @example await hmacSha256(site.codeSecret, 'offer:hero:V1St') // 32 bytes
 */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8Bytes(message)))
}

/**
 * SHA-256 of a text, as lowercase hex: how secret keys and session tokens are stored.
 * @example await sha256Hex('sk_demo') // 64 hex characters
 */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8Bytes(text))))
}

/**
 * Bytes as lowercase hex.
 * @example toHex(new Uint8Array([1, 171])) // '01ab'
 */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Bytes as base64url without padding: safe in URLs and cookies as they are.
 * @example toBase64url(new Uint8Array([251, 255])) // '-_8'
 */
export function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * The bytes of a base64url text (padded or not); throws on characters outside the alphabet.
 * @example fromBase64url('-_8') // Uint8Array [251, 255]
 */
export function fromBase64url(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (char) =>
    char.charCodeAt(0),
  )
}

/**
 * Whether two texts (digests, signatures, tokens) are equal, without an early exit: the time taken
 * does not tell an attacker how many leading characters matched. Only the length may show.
 * @example constantTimeEqual(expectedSignature, request.signature)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

// No "_" or "-", so keys and secrets double-click as one word.
const alphanumeric = customAlphabet(
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
)

/**
 * Random letters and digits (about 5.95 bits each), for keys and secrets people copy.
 * @example `sk_${randomAlphanumeric(40)}` // about 238 bits
 */
export function randomAlphanumeric(length: number): string {
  return alphanumeric(length)
}

/**
 * `bytes` random bytes as base64url (no padding), for tokens that travel in cookies and headers.
 * @example randomBase64url(32) // 43 characters
 */
export function randomBase64url(bytes: number): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/**
 * `bytes` random bytes as lowercase hex, for tokens in forms.
 * @example randomHex(18) // 36 hex characters
 */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)))
}

import { customAlphabet } from 'nanoid'

// No "_" or "-" in the random part, so a key double-clicks as one word.
const randomPart = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')

/**
 * Fresh keys for a new site. The public key goes into the script tag; the secret key is shown
 * once and only its hash is stored.
 * @example const { publicKey, secretKey } = generateSiteKeys()
 */
export function generateSiteKeys(): {
  siteId: string
  publicKey: string
  secretKey: string
  codeSecret: string
} {
  return {
    siteId: `site_${randomPart(16)}`,
    publicKey: generatePublicKey(),
    secretKey: generateSecretKey(),
    // Never shown to anyone: keys the HMACs of unique offer codes and preview links.
    codeSecret: randomPart(43),
  }
}

/**
 * A fresh public key (script tags), for a new site or a rotation.
 * @example generatePublicKey() // 'pk_3kV9...' (24 random characters)
 */
export function generatePublicKey(): string {
  return `pk_${randomPart(24)}`
}

/**
 * A fresh secret key (admin API), for a new site or a rotation: 40 random characters, about 238 bits.
 * @example generateSecretKey() // 'sk_Q8x...'
 */
export function generateSecretKey(): string {
  return `sk_${randomPart(40)}`
}

/**
 * SHA-256 of a secret key, hex-encoded: what the sites table stores.
 * @example await hashSecretKey('sk_demo')
 */
export async function hashSecretKey(secretKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secretKey))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Compares two equal-length hex digests without an early exit, so the time taken does not tell an
 * attacker how many leading characters matched.
 */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

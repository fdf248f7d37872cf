import { randomAlphanumeric, sha256Hex } from '../lib/crypto'

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
    siteId: `site_${randomAlphanumeric(16)}`,
    publicKey: generatePublicKey(),
    secretKey: generateSecretKey(),
    // Never shown to anyone: keys the HMACs of unique offer codes and preview links.
    codeSecret: randomAlphanumeric(43),
  }
}

/**
 * A fresh public key (script tags), for a new site or a rotation.
 * @example generatePublicKey() // 'pk_3kV9...' (24 random characters)
 */
export function generatePublicKey(): string {
  return `pk_${randomAlphanumeric(24)}`
}

/**
 * A fresh secret key (admin API), for a new site or a rotation: 40 random characters, about 238 bits.
 * @example generateSecretKey() // 'sk_Q8x...'
 */
export function generateSecretKey(): string {
  return `sk_${randomAlphanumeric(40)}`
}

/**
 * SHA-256 of a secret key, hex-encoded: what the sites table stores.
 * @example await hashSecretKey('sk_demo')
 */
export function hashSecretKey(secretKey: string): Promise<string> {
  return sha256Hex(secretKey)
}

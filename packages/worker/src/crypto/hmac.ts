const keys = new Map<string, Promise<CryptoKey>>()

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
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
 * @example await hmac(site.codeSecret, 'offer:hero:V1St') // 32 bytes
 */
export async function hmac(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(message)),
  )
}

/**
 * Bytes as lowercase hex.
 * @example toHex(new Uint8Array([1, 171])) // '01ab'
 */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

import type { Segment } from '@stammis/contract'
import { hmac } from '../offers/codes'

export type PreviewClaims = { siteId: string; segment: Segment; lapsed: boolean; expiresAt: number }

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

function fromBase64url(text: string): string {
  return atob(text.replace(/-/g, '+').replace(/_/g, '/'))
}

/**
 * A signed, expiring token that makes decide answer as a given segment. It travels in a shareable
 * link (`?stammis_preview=...`) and is signed with the site's code secret, so it cannot be forged
 * or extended.
 * @example const token = await signPreviewToken(site.codeSecret, { siteId, segment: 'repeat', lapsed: false, expiresAt })
 */
export async function signPreviewToken(secret: string, claims: PreviewClaims): Promise<string> {
  const payload = base64url(new TextEncoder().encode(JSON.stringify(claims)))
  return `${payload}.${base64url(await hmac(secret, `preview:${payload}`))}`
}

/** The claims of a valid token for this site, or the reason it is refused. */
export async function verifyPreviewToken(
  secret: string,
  siteId: string,
  token: string,
  now: number,
): Promise<
  { claims: PreviewClaims } | { error: 'malformed' | 'bad_signature' | 'expired' | 'other_site' }
> {
  const [payload, signature] = token.split('.')
  if (!payload || !signature) return { error: 'malformed' }
  const expected = base64url(await hmac(secret, `preview:${payload}`))
  if (expected.length !== signature.length) return { error: 'bad_signature' }
  let difference = 0
  for (let i = 0; i < expected.length; i++)
    difference |= expected.charCodeAt(i) ^ signature.charCodeAt(i)
  if (difference !== 0) return { error: 'bad_signature' }
  let claims: PreviewClaims
  try {
    claims = JSON.parse(fromBase64url(payload)) as PreviewClaims
  } catch {
    return { error: 'malformed' }
  }
  if (claims.siteId !== siteId) return { error: 'other_site' }
  if (!(claims.expiresAt > now)) return { error: 'expired' }
  return { claims }
}

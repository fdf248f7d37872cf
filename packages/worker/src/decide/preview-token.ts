import type { Segment } from '@stammis/contract'
import {
  constantTimeEqual,
  fromBase64url,
  hmacSha256,
  toBase64url,
  utf8Bytes,
  utf8Text,
} from '../lib/crypto'

export type PreviewClaims = { siteId: string; segment: Segment; lapsed: boolean; expiresAt: number }

/**
 * A signed, expiring token that makes decide answer as a given segment. It travels in a shareable
 * link (`?stammis_preview=...`) and is signed with the site's code secret, so it cannot be forged
 * or extended.
 * @example const token = await signPreviewToken(site.codeSecret, { siteId, segment: 'repeat', lapsed: false, expiresAt })
 */
export async function signPreviewToken(secret: string, claims: PreviewClaims): Promise<string> {
  const payload = toBase64url(utf8Bytes(JSON.stringify(claims)))
  return `${payload}.${toBase64url(await hmacSha256(secret, `preview:${payload}`))}`
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
  const expected = toBase64url(await hmacSha256(secret, `preview:${payload}`))
  if (!constantTimeEqual(expected, signature)) return { error: 'bad_signature' }
  let claims: PreviewClaims
  try {
    claims = JSON.parse(utf8Text(fromBase64url(payload))) as PreviewClaims
  } catch {
    return { error: 'malformed' }
  }
  if (claims.siteId !== siteId) return { error: 'other_site' }
  if (!(claims.expiresAt > now)) return { error: 'expired' }
  return { claims }
}

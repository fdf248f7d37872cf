import { constantTimeEqual, hmacSha256, toHex } from '../lib/crypto'

/**
 * The signature a shop's server sends with a signed-in customer's id: HMAC-SHA256 keyed with the
 * site's identity secret, over the customer id exactly as passed to `identify`, as lowercase hex
 * (what Node's `createHmac('sha256', secret).update(id).digest('hex')`, PHP's
 * `hash_hmac('sha256', $id, $secret)` and Shopify Liquid's `hmac_sha256` filter produce).
 * @example await identitySignature('idsec_...', 'cust-42') // '3f2a…' (64 hex characters)
 */
export async function identitySignature(
  identitySecret: string,
  customerId: string,
): Promise<string> {
  return toHex(await hmacSha256(identitySecret, customerId))
}

/**
 * Whether an identify is signed by the shop's server. Without an identity secret (none created
 * yet) or a signature, nothing is; the comparison takes the same time however much matched.
 * @example await isSignedIdentity(secret, 'cust-42', event.signature)
 */
export async function isSignedIdentity(
  identitySecret: string | null,
  customerId: string,
  signature: string | undefined,
): Promise<boolean> {
  if (!identitySecret || !signature) return false
  return constantTimeEqual(await identitySignature(identitySecret, customerId), signature)
}

import { describe, expect, it } from 'vitest'
import { identitySignature, isSignedIdentity } from './signature'

describe('identitySignature', () => {
  it("matches what Shopify Liquid's hmac_sha256 filter prints", async () => {
    // shopify.dev/docs/api/liquid/filters/hmac_sha256: {{ 'Polyjuice' | hmac_sha256: 'Polina' }}
    expect(await identitySignature('Polina', 'Polyjuice')).toBe(
      '8e0d5d65cff1242a4af66c8f4a32854fd5fb80edcc8aabe9b302b29c7c71dc20',
    )
  })

  it('signs the id exactly as given', async () => {
    expect(await identitySignature('idsec_x', 'cust-42')).not.toBe(
      await identitySignature('idsec_x', ' cust-42'),
    )
  })
})

describe('isSignedIdentity', () => {
  it('accepts only the right signature, with a secret', async () => {
    const signature = await identitySignature('idsec_x', 'cust-42')
    expect(await isSignedIdentity('idsec_x', 'cust-42', signature)).toBe(true)
    expect(await isSignedIdentity('idsec_y', 'cust-42', signature)).toBe(false)
    expect(await isSignedIdentity('idsec_x', 'cust-43', signature)).toBe(false)
    expect(await isSignedIdentity('idsec_x', 'cust-42', undefined)).toBe(false)
    expect(await isSignedIdentity(null, 'cust-42', signature)).toBe(false)
  })
})

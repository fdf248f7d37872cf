import { describe, expect, it } from 'vitest'
import { createTestSite, type ErrorJson, type TestSite } from '../helpers'
import { ledgerFor } from '../ledger'
import { fillOldHistory, opsFetch, opsPost, TEST_OPS_TOKEN } from '../ops'

// Attack: anyone who finds /v1/ops/storage/migrate runs copies into any site's ledger (each one
// reads the site's whole D1 history and rebuilds its counters: work and writes at will), and reads
// any site's row counts, without the operator's token.

async function ledgerIsEmpty(site: TestSite): Promise<boolean> {
  return Object.values(await ledgerFor(site.siteId).counts()).every((n) => n === 0)
}

async function expectRefused(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as ErrorJson
  expect(response.status, JSON.stringify(body)).toBe(status)
  expect(body.error.code).toBe(code)
}

describe('operator routes without the operator token', () => {
  it('refuse a migrate step without a token, or with a wrong one, and copy nothing', async () => {
    const site = await createTestSite()
    await fillOldHistory(site, 5)
    const wrongTokens = [
      TEST_OPS_TOKEN.slice(0, -1) + 'X', // same length, last character differs
      TEST_OPS_TOKEN.slice(0, -1), // a prefix
      TEST_OPS_TOKEN + 'x',
      site.secretKey, // the site's own secret key is not the operator's
      '',
    ]
    await expectRefused(
      await opsFetch('/v1/ops/storage/migrate', opsPost({ siteId: site.siteId }), TEST_OPS_TOKEN),
      401,
      'missing_ops_token',
    )
    for (const token of wrongTokens)
      await expectRefused(
        await opsFetch(
          '/v1/ops/storage/migrate',
          opsPost({ siteId: site.siteId }, token),
          TEST_OPS_TOKEN,
        ),
        401,
        token === '' ? 'missing_ops_token' : 'invalid_ops_token',
      )
    // Not a bearer token at all.
    await expectRefused(
      await opsFetch(
        '/v1/ops/storage/migrate',
        {
          ...opsPost({ siteId: site.siteId }),
          headers: { authorization: `Basic ${btoa(`ops:${TEST_OPS_TOKEN}`)}` },
        },
        TEST_OPS_TOKEN,
      ),
      401,
      'missing_ops_token',
    )
    expect(await ledgerIsEmpty(site)).toBe(true)
  })

  it('refuse the counts without the token', async () => {
    const site = await createTestSite()
    await expectRefused(
      await opsFetch(`/v1/ops/storage/counts?siteId=${site.siteId}`, {}, TEST_OPS_TOKEN),
      401,
      'missing_ops_token',
    )
    await expectRefused(
      await opsFetch(
        `/v1/ops/storage/counts?siteId=${site.siteId}`,
        { headers: { authorization: 'Bearer wrong-token' } },
        TEST_OPS_TOKEN,
      ),
      401,
      'invalid_ops_token',
    )
  })

  it('do not exist on a deployment without OPS_TOKEN, or with one too short to be secret', async () => {
    const site = await createTestSite()
    await fillOldHistory(site, 5)
    for (const configured of [undefined, '', 'short-token']) {
      for (const bearer of [undefined, configured ?? 'anything', TEST_OPS_TOKEN]) {
        await expectRefused(
          await opsFetch(
            '/v1/ops/storage/migrate',
            opsPost({ siteId: site.siteId }, bearer),
            configured,
          ),
          404,
          'not_found',
        )
        await expectRefused(
          await opsFetch(
            `/v1/ops/storage/counts?siteId=${site.siteId}`,
            bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } },
            configured,
          ),
          404,
          'not_found',
        )
      }
    }
    expect(await ledgerIsEmpty(site)).toBe(true)
  })
})

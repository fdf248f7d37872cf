import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { createTestSite, type ErrorJson } from '../helpers'

// Attack: a tenant (anyone can hold a site's secret key: it is their own site) registers a moment
// destination that points inside the network Stammis runs in (cloud metadata, private ranges,
// loopback) so that the worker POSTs there for them: server-side request forgery. In production
// (no local-development switch) every such URL must be refused and nothing stored.

/** The worker as deployed: the tests' local-development switch is off (any value but "on"). */
const production = { ...env, MOMENTS_ALLOW_LOCAL_DESTINATIONS: 'off' }

async function addDestination(secretKey: string, url: string): Promise<Response> {
  const ctx = createExecutionContext()
  const request = new Request('https://worker.test/v1/admin/destinations', {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, moments: ['customer.lapsed'] }),
  })
  const response = await worker.fetch(
    request as Request<unknown, IncomingRequestCfProperties>,
    production,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return response
}

const INTERNAL_URLS = [
  'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://10.0.0.5/hook',
  'https://172.16.4.2/hook',
  'https://192.168.1.1/hook',
  'https://127.0.0.1/hook',
  'https://127.1/hook',
  'https://2130706433/hook',
  'https://0x7f000001/hook',
  'https://0.0.0.0/hook',
  'https://localhost/hook',
  'https://api.localhost/hook',
  'https://[::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:a9fe:a9fe]/hook',
  'https://[fd00::1]/hook',
  'https://[fe80::1]/hook',
  'https://100.64.0.1/hook',
  'https://printer.local/hook',
  'https://service.internal/hook',
  'http://127.0.0.1:8787/hook',
]

describe('abuse: a moment destination inside the network (SSRF)', () => {
  it.each(INTERNAL_URLS)('refuses %s and stores nothing', async (url) => {
    const site = await createTestSite()
    const response = await addDestination(site.secretKey, url)
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorJson).error.code).toBe('destination_not_allowed')
    const stored = await env.DB.prepare(
      'SELECT count(*) AS n FROM moment_destinations WHERE site_id = ?1',
    )
      .bind(site.siteId)
      .first<{ n: number }>()
    expect(stored?.n).toBe(0)
  })

  it('still accepts a public https destination', async () => {
    const site = await createTestSite()
    const response = await addDestination(site.secretKey, 'https://hooks.example.com/stammis')
    expect(response.status).toBe(201)
  })
})

import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { postForm, signedInAdmin } from '../../../test/admin-helpers'
import { deliveryRows, receiverDestination } from '../../../test/moments'
import { sendMoment } from '../../moments/send'

async function destinationCount(siteId: string): Promise<number> {
  const row = await env.DB.prepare(
    'SELECT count(*) AS n FROM moment_destinations WHERE site_id = ?1 AND deleted_at IS NULL',
  )
    .bind(siteId)
    .first<{ n: number }>()
  return row!.n
}

describe('admin: the Moments page', () => {
  it('adds a destination and shows its secret once, then lists it without the secret', async () => {
    const { site, post, page } = await signedInAdmin()
    const added = await post('/admin/moments/destinations', {
      url: 'https://hooks.example.com/stammis',
      moments: ['customer.lapsed', 'customer.won_back'],
    })
    expect(added.status).toBe(200)
    const html = await added.text()
    const secret = /<code data-secret="?[^>]*>(mhsec_[A-Za-z0-9]+)<\/code>/.exec(html)?.[1]
    expect(secret).toMatch(/^mhsec_[A-Za-z0-9]{40}$/)
    expect(await destinationCount(site.siteId)).toBe(1)

    const list = await page('/admin/moments')
    expect(list.status).toBe(200)
    expect(list.html).toContain('https://hooks.example.com/stammis')
    expect(list.html).toContain('Lapsed (no purchase in the lapse window), Won back')
    expect(list.html).not.toContain(secret!)
  })

  it('refuses an internal URL with the reason, and a form without its CSRF token', async () => {
    const { site, session, post } = await signedInAdmin()
    const refused = await post('/admin/moments/destinations', {
      url: 'https://10.0.0.5/hook',
      moments: ['customer.lapsed'],
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('a private, loopback or link-local address')

    const forged = await postForm(
      '/admin/moments/destinations',
      { url: 'https://hooks.example.com/', moments: ['customer.lapsed'] },
      session.cookie,
    )
    expect(forged.status).toBe(403)
    expect(await destinationCount(site.siteId)).toBe(0)
  })

  it('shows the delivery log and counts, resends a dead delivery, deletes a destination', async () => {
    const { site, post, page } = await signedInAdmin()
    const hook = await receiverDestination(site, ['customer.lapsed'])
    await sendMoment(
      env,
      { id: site.siteId },
      {
        type: 'customer.lapsed',
        customerId: 'cust-9',
        occurrence: '2026-08-01',
        data: {},
      },
    )
    const [row] = await deliveryRows(site.siteId)
    await env.DB.prepare(
      "UPDATE moment_deliveries SET status = 'dead', attempts = 6, last_error = 'HTTP 500: down' WHERE id = ?1",
    )
      .bind(row!.id)
      .run()

    const log = await page('/admin/moments')
    expect(log.html).toContain(`data-delivery="${row!.id}"`)
    expect(log.html).toContain('HTTP 500: down')
    expect(log.html).toMatch(/data-moment="customer.lapsed"[\s\S]*?data-metric="dead">1</)

    const dashboard = await page('/admin/dashboard')
    expect(dashboard.html).toMatch(
      /id="dashboard-moment-counts"[\s\S]*?data-moment="customer.lapsed"[\s\S]*?data-metric="dead">1</,
    )

    const resent = await post(`/admin/moments/deliveries/${row!.id}/resend`)
    expect(resent.status).toBe(303)
    expect(resent.headers.get('location')).toBe('/admin/moments?done=resent')
    expect((await deliveryRows(site.siteId))[0]!.status).not.toBe('dead')

    const deleted = await post(`/admin/moments/destinations/${hook.id}/delete`)
    expect(deleted.status).toBe(303)
    expect(await destinationCount(site.siteId)).toBe(0)
  })
})

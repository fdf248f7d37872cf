import { env } from 'cloudflare:test'
import {
  DeliveryLogSchema,
  DestinationCreatedSchema,
  DestinationListSchema,
} from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, type ErrorJson } from '../../test/helpers'
import { deliveryRows, receiverDestination } from '../../test/moments'
import { MAX_DESTINATIONS_PER_SITE } from './limits'
import { sendMoment } from './send'

function post(secretKey: string, body: unknown): Promise<Response> {
  return adminFetch('/v1/admin/destinations', secretKey, {
    method: 'POST',
    body: JSON.stringify(body),
  })
}

describe('moment destinations API', () => {
  it('shows the secret once, then lists destinations without it', async () => {
    const site = await createTestSite()
    const response = await post(site.secretKey, {
      url: 'https://hooks.example.com/stammis',
      moments: ['customer.lapsed', 'customer.won_back'],
    })
    expect(response.status).toBe(201)
    const created = DestinationCreatedSchema.parse(await response.json())
    expect(created.secret).toMatch(/^mhsec_[A-Za-z0-9]{40}$/)

    const listed = await adminFetch('/v1/admin/destinations', site.secretKey)
    const text = await listed.text()
    expect(text).not.toContain(created.secret)
    expect(DestinationListSchema.parse(JSON.parse(text)).destinations).toEqual([
      created.destination,
    ])
  })

  it('refuses unknown moments, repeats and missing fields, storing nothing', async () => {
    const site = await createTestSite()
    for (const body of [
      { url: 'https://hooks.example.com/', moments: ['customer.birthday'] },
      { url: 'https://hooks.example.com/', moments: ['customer.lapsed', 'customer.lapsed'] },
      { url: 'https://hooks.example.com/', moments: [] },
      { moments: ['customer.lapsed'] },
    ]) {
      const response = await post(site.secretKey, body)
      expect(response.status).toBe(400)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
    const list = await adminFetch('/v1/admin/destinations', site.secretKey)
    expect(DestinationListSchema.parse(await list.json()).destinations).toEqual([])
  })

  it(`allows ${MAX_DESTINATIONS_PER_SITE} destinations per site, then refuses until one is deleted`, async () => {
    const site = await createTestSite()
    const ids: string[] = []
    for (let i = 0; i < MAX_DESTINATIONS_PER_SITE; i++) {
      const response = await post(site.secretKey, {
        url: `https://hooks.example.com/${i}`,
        moments: ['customer.lapsed'],
      })
      expect(response.status).toBe(201)
      ids.push(DestinationCreatedSchema.parse(await response.json()).destination.id)
    }
    const over = await post(site.secretKey, {
      url: 'https://hooks.example.com/over',
      moments: ['customer.lapsed'],
    })
    expect(over.status).toBe(409)
    expect(((await over.json()) as ErrorJson).error.code).toBe('destination_limit_reached')

    const deleted = await adminFetch(`/v1/admin/destinations/${ids[0]}`, site.secretKey, {
      method: 'DELETE',
    })
    expect(deleted.status).toBe(204)
    const again = await post(site.secretKey, {
      url: 'https://hooks.example.com/again',
      moments: ['customer.lapsed'],
    })
    expect(again.status).toBe(201)
  })

  it("cannot delete another site's destination", async () => {
    const owner = await createTestSite()
    const other = await createTestSite()
    const created = DestinationCreatedSchema.parse(
      await (
        await post(owner.secretKey, {
          url: 'https://hooks.example.com/',
          moments: ['customer.lapsed'],
        })
      ).json(),
    )
    const response = await adminFetch(
      `/v1/admin/destinations/${created.destination.id}`,
      other.secretKey,
      { method: 'DELETE' },
    )
    expect(response.status).toBe(404)
    expect(((await response.json()) as ErrorJson).error.code).toBe('destination_not_found')
    const list = await adminFetch('/v1/admin/destinations', owner.secretKey)
    expect(DestinationListSchema.parse(await list.json()).destinations).toHaveLength(1)
  })
})

describe('delivery log API', () => {
  it('lists deliveries with counts per moment and status, and resends one', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.lapsed'])
    await sendMoment(
      env,
      { id: site.siteId },
      {
        type: 'customer.lapsed',
        customerId: 'cust-1',
        occurrence: '2026-01-01',
        data: {},
      },
    )
    const [row] = await deliveryRows(site.siteId)
    await env.DB.prepare("UPDATE moment_deliveries SET status = 'dead' WHERE id = ?1")
      .bind(row!.id)
      .run()

    const log = DeliveryLogSchema.parse(
      await (await adminFetch('/v1/admin/moments/deliveries', site.secretKey)).json(),
    )
    expect(log.deliveries.map((delivery) => delivery.id)).toEqual([row!.id])
    expect(log.counts).toEqual([{ type: 'customer.lapsed', status: 'dead', deliveries: 1 }])

    const resent = await adminFetch(
      `/v1/admin/moments/deliveries/${row!.id}/resend`,
      site.secretKey,
      { method: 'POST' },
    )
    expect(resent.status).toBe(200)
    expect((await deliveryRows(site.siteId))[0]!.status).not.toBe('dead')

    const other = await createTestSite()
    const foreign = await adminFetch(
      `/v1/admin/moments/deliveries/${row!.id}/resend`,
      other.secretKey,
      { method: 'POST' },
    )
    expect(foreign.status).toBe(404)
    expect(((await foreign.json()) as ErrorJson).error.code).toBe('delivery_not_found')
  })
})

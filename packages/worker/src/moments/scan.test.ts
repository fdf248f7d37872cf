import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../index'
import { createTestSite } from '../../test/helpers'
import { ledgerFor, serverOrder } from '../../test/ledger'
import { eventually } from '../../test/helpers'
import { deliveryRows, receivedBy, receiverDestination } from '../../test/moments'
import { ledgerSite, type MomentScanCustomer } from '../ledger/client'
import {
  customerFigures,
  fitPredictionModels,
  percentileCuts,
  summarizeOrders,
  type OrderRow,
} from '../predictions/model'
import { findSiteById } from '../sites/queries'
import { customerMoments, runMomentScan, type ScanFit } from './scan'
import { insertDeliveries } from './queries'
import { handleMomentScan, MOMENT_SCAN_CRON } from './scheduled'
import { idempotencyKey } from './send'

const DAY = 86_400_000
const NOW = Date.parse('2026-11-29T04:41:00Z')
const TODAY = '2026-11-29'

/** A customer as the ledger's scan page gives it, from purchase days (days before NOW). */
function scanned(daysAgo: number[], revenue = 20, recorded: MomentScanCustomer['recorded'] = []) {
  const sorted = [...daysAgo].sort((a, b) => b - a)
  return {
    personId: 'c:id:cust-1',
    lastPurchaseAt: NOW - sorted[sorted.length - 1]! * DAY,
    days: sorted.map((ago) => ({
      day: new Date(NOW - ago * DAY).toISOString().slice(0, 10),
      revenueMicros: revenue * 1_000_000,
    })),
    recorded,
  }
}

const options = { now: NOW, timeZone: 'UTC', lapseDays: 90, fit: null }

describe('the scan: which moments a customer reached today', () => {
  it('lapsed: no purchase within the lapse window, once per last purchase', () => {
    expect(customerMoments(scanned([91]), options)).toEqual([
      {
        type: 'customer.lapsed',
        occurrence: '2026-08-30',
        data: { lastPurchaseDay: '2026-08-30', lapseDays: 90 },
      },
    ])
    expect(customerMoments(scanned([89]), options)).toEqual([])
    const recorded = [{ type: 'customer.lapsed', occurrence: '2026-08-30' }]
    expect(customerMoments(scanned([91], 20, recorded), options)).toEqual([])
  })

  it('due for reorder from their own median gap, without a fit', () => {
    // Bought every 30 days; the last 30 days ago: due (window 24 to 36 days).
    const moments = customerMoments(scanned([120, 90, 60, 30]), options)
    expect(moments).toEqual([
      {
        type: 'customer.due_for_reorder',
        occurrence: '2026-10-30',
        data: {
          lastPurchaseDay: '2026-10-30',
          gapDays: 30,
          gapFrom: 'median',
          expectedOn: '2026-11-29',
        },
      },
    ])
    // 10 days after the last purchase: not yet.
    expect(customerMoments(scanned([100, 70, 40, 10]), options)).toEqual([])
    // One gap only and no fit: no rhythm to go by.
    expect(customerMoments(scanned([60, 30]), options)).toEqual([])
  })
})

/** A small shop's history: 60 one-time buyers, a few regulars, and two who stopped. */
function shopOrders(): OrderRow[] {
  const day = (ago: number) => new Date(NOW - ago * DAY).toISOString().slice(0, 10)
  const orders: OrderRow[] = []
  for (let i = 0; i < 60; i++)
    orders.push({ customerId: `once-${i}`, day: day(10 + ((i * 7) % 300)), revenue: 20 })
  for (let i = 0; i < 8; i++)
    for (let ago = 5 + i; ago < 360; ago += 21)
      orders.push({ customerId: `regular-${i}`, day: day(ago), revenue: 35 })
  // Weekly big spenders who stopped 10 weeks ago (at risk), and a small one who did the same.
  for (let week = 10; week < 40; week++) {
    orders.push({ customerId: 'stopped-big', day: day(week * 7), revenue: 400 })
    orders.push({ customerId: 'stopped-small', day: day(week * 7), revenue: 1 })
  }
  return orders
}

function shopFit(): ScanFit {
  const summary = summarizeOrders(shopOrders(), TODAY)
  const fit = fitPredictionModels(summary)
  const clvs = summary.customers.map(
    (customer) => customerFigures(fit, customer, { asOf: TODAY }).clv,
  )
  return {
    bgnbd: fit.bgnbd,
    gammaGamma: fit.gammaGamma,
    clvMedian: percentileCuts(clvs)[49]!,
    atRiskBelow: 0.5,
  }
}

function historyOf(customerId: string): MomentScanCustomer {
  const rows = shopOrders().filter((order) => order.customerId === customerId)
  const days = [...new Set(rows.map((row) => row.day))].sort()
  return {
    personId: `c:id:${customerId}`,
    lastPurchaseAt: Date.parse(`${days[days.length - 1]}T12:00:00Z`),
    days: days.map((day) => ({
      day,
      revenueMicros:
        rows.filter((row) => row.day === day).reduce((sum, row) => sum + row.revenue, 0) *
        1_000_000,
    })),
    recorded: [],
  }
}

describe('the scan: at risk, with a fit', () => {
  it('flags a valuable customer whose P(alive) fell below the threshold, not a cheap one', () => {
    const fit = shopFit()
    const withFit = { ...options, fit }
    const big = customerMoments(historyOf('stopped-big'), withFit)
    const atRisk = big.find((moment) => moment.type === 'customer.at_risk')
    expect(atRisk).toBeDefined()
    expect(atRisk!.data.pAlive).toBeLessThan(0.5)
    expect(atRisk!.data.clv).toBeGreaterThan(fit.clvMedian)
    // Same rhythm, cents per order: below the median CLV, so not "at risk" however likely gone.
    const small = customerMoments(historyOf('stopped-small'), withFit)
    expect(small.map((moment) => moment.type)).not.toContain('customer.at_risk')
    // A regular who keeps buying is alive: not at risk.
    const regular = customerMoments(historyOf('regular-0'), withFit)
    expect(regular.map((moment) => moment.type)).not.toContain('customer.at_risk')
    // Without a fit there is no at-risk moment at all.
    expect(customerMoments(historyOf('stopped-big'), options).map((m) => m.type)).not.toContain(
      'customer.at_risk',
    )
  })
})

describe('the daily scan of a site', () => {
  const order = (orderId: string, customerPerson: string, daysAgo: number) =>
    serverOrder(orderId, NOW - daysAgo * DAY, { customerPerson, revenueMicros: 25_000_000 })

  it('sends lapsed and due-for-reorder moments once, to customers with an id only', async () => {
    const keys = await createTestSite()
    const site = (await findSiteById(env.DB, keys.siteId))!
    await receiverDestination(keys, ['customer.lapsed', 'customer.due_for_reorder'])
    await ledgerFor(site.id).storeServerOrders(
      ledgerSite(site),
      [
        order('l1', 'c:id:lapsy', 200),
        order('l2', 'c:id:lapsy', 100),
        order('r1', 'c:id:regular', 90),
        order('r2', 'c:id:regular', 60),
        order('r3', 'c:id:regular', 30),
        // Identified by email: stored only as a hash, so no id to name them by.
        order('e1', 'c:h_0123456789abcdef0123456789abcdef', 100),
        order('f1', 'c:id:fresh', 3),
      ],
      'import',
      NOW - DAY,
    )

    const first = await runMomentScan(env, site, { now: NOW, fit: null, pageSize: 2 })
    expect(first).toEqual({
      customers: 4,
      sent: { 'customer.lapsed': 1, 'customer.due_for_reorder': 1 },
    })
    const rows = await deliveryRows(site.id)
    // Same time, random ids: compared sorted.
    expect(rows.map((row) => [row.moment_type, row.customer_id, row.occurrence]).sort()).toEqual([
      ['customer.due_for_reorder', 'regular', '2026-10-30'],
      ['customer.lapsed', 'lapsy', '2026-08-21'],
    ])

    // The next day's scan finds nothing new: the ledger remembers what was sent.
    const second = await runMomentScan(env, site, { now: NOW + DAY, fit: null })
    expect(second.sent).toEqual({})
    expect(await deliveryRows(site.id)).toHaveLength(2)
  })

  it('runs from the worker on its cron', async () => {
    const keys = await createTestSite()
    const site = (await findSiteById(env.DB, keys.siteId))!
    await receiverDestination(keys, ['customer.lapsed'])
    await ledgerFor(site.id).storeServerOrders(
      ledgerSite(site),
      [order('l1', 'c:id:lapsy', 100)],
      'import',
      NOW - DAY,
    )
    await worker.scheduled(
      createScheduledController({ scheduledTime: NOW, cron: MOMENT_SCAN_CRON }),
      env,
    )
    expect((await deliveryRows(site.id)).map((row) => row.moment_type)).toEqual(['customer.lapsed'])
  })
})

describe('the daily run: deliveries whose queue message was lost', () => {
  it('queues again a pending delivery never attempted, and the real queue delivers it', async () => {
    const keys = await createTestSite()
    const hook = await receiverDestination(keys, ['customer.lapsed'])
    const moment = {
      type: 'customer.lapsed' as const,
      customerId: 'cust-lost',
      occurrence: '2026-01-01',
      data: {},
    }
    const key = await idempotencyKey(keys.siteId, hook.id, moment)
    const created = Date.now() - 20 * 60_000
    // Written like sendMoment writes it, but its queue message never sent (the send failed).
    await insertDeliveries(env.DB, [
      {
        id: `dlv_lost_${crypto.randomUUID()}`,
        siteId: keys.siteId,
        destinationId: hook.id,
        idempotencyKey: key,
        ...moment,
        payload: JSON.stringify({
          ...moment,
          idempotencyKey: key,
          siteId: keys.siteId,
          occurredAt: new Date(created).toISOString(),
        }),
        createdAt: created,
      },
    ])
    const run = await handleMomentScan({ scheduledTime: Date.now() }, env)
    expect(run.requeued).toBeGreaterThanOrEqual(1)
    const [received] = await eventually(async () => {
      const list = await receivedBy(hook.name)
      return list.length > 0 ? list : undefined
    })
    expect(received!.verified).toBe(true)
    expect(received!.headers.idempotencyKey).toBe(key)
  }, 30_000)
})

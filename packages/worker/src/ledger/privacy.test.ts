import { describe, expect, it } from 'vitest'
import {
  batch,
  ledgerRows,
  ledgerTables,
  serverOrder,
  testLedger,
  type LedgerStub,
} from '../../test/ledger'
import type { LedgerSite } from './client'
import { ERASED_TABLES, TABLES_WITHOUT_PEOPLE } from './privacy'

const NOW = Date.parse('2026-04-01T09:00:00Z')
const DAY = 86_400_000
const ANA = 'c:h_0123456789abcdef0123456789abcdef'

/** Every row of every table of the object, as one JSON text per table. */
async function dump(ledger: LedgerStub): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const table of await ledgerTables(ledger))
    out[table] = JSON.stringify(await ledgerRows(ledger, `SELECT * FROM ${table}`))
  return out
}

async function tablesHolding(ledger: LedgerStub, needle: string): Promise<string[]> {
  const tables = await dump(ledger)
  return Object.keys(tables).filter((table) => tables[table]!.includes(needle))
}

/**
 * Ana on two devices (signed in as one customer), and Bob: visits, page views, tracked events,
 * orders, exposures with codes, redemptions, imported history under Ana's person id.
 */
async function seedShop(ledger: LedgerStub, site: LedgerSite): Promise<void> {
  const identify = (visitorId: string, person: string, now: number) => {
    const id = `identify-${visitorId}-${now}`
    return {
      event: { id, type: 'identify' as const, customerId: 'ana@example.com' },
      options: {
        identities: { [id]: { customerKey: person.slice(2), verified: true } },
        signedPerson: person,
      },
    }
  }
  const send = async (...args: Parameters<typeof batch>) =>
    expect((await ledger.recordBatch(site, batch(...args))).ok).toBe(true)
  await send(
    'vis-phone',
    'p1',
    [
      { type: 'visit', url: 'https://shop.example/' },
      { type: 'purchase', orderId: 'ord-ana-1', revenue: 40 },
    ],
    NOW,
  )
  await send(
    'vis-phone',
    'p2',
    [
      { type: 'visit' },
      { type: 'track', name: 'wishlist', props: { sku: 'g' } },
      { type: 'purchase', orderId: 'ord-ana-2', revenue: 25 },
    ],
    NOW + DAY,
  )
  await ledger.recordExposures(
    site,
    [
      {
        ruleId: 'back',
        visitorId: 'vis-phone',
        visitId: 'p3',
        variant: 'treatment',
        rulesetVersion: 1,
        offerCode: 'BACK-PHONE',
      },
    ],
    NOW + 2 * DAY,
  )
  await ledger.redeemCode(
    {
      code: 'BACK-PHONE',
      holder: 'visitor:vis-phone',
      ruleId: 'back',
      orderId: 'ord-ana-2',
      isUniqueCode: true,
    },
    NOW + 2 * DAY,
  )
  const phone = identify('vis-phone', ANA, NOW + 3 * DAY)
  await send('vis-phone', 'p3', [phone.event], NOW + 3 * DAY, phone.options)
  const laptop = identify('vis-laptop', ANA, NOW + 4 * DAY)
  await send(
    'vis-laptop',
    'l1',
    [{ type: 'visit' }, laptop.event, { type: 'purchase', orderId: 'ord-ana-3', revenue: 10 }],
    NOW + 4 * DAY,
    laptop.options,
  )
  await ledger.recordExposures(
    site,
    [
      {
        ruleId: 'back',
        visitorId: 'vis-laptop',
        visitId: 'l2',
        variant: 'treatment',
        rulesetVersion: 1,
        offerCode: 'BACK-ANA',
      },
    ],
    NOW + 5 * DAY,
  )
  await ledger.redeemCode(
    { code: 'BACK-ANA', holder: ANA, ruleId: 'back', orderId: null, isUniqueCode: true },
    NOW + 5 * DAY,
  )
  await ledger.storeServerOrders(
    site,
    [serverOrder('hist-ana-1', NOW - 30 * DAY, { customerPerson: ANA, revenueMicros: 99_000_000 })],
    'import',
    NOW + 5 * DAY,
  )
  const bob = identify('vis-bob', 'c:id:bob', NOW + 6 * DAY)
  await send(
    'vis-bob',
    'b1',
    [{ type: 'visit' }, bob.event, { type: 'purchase', orderId: 'ord-bob-1', revenue: 7 }],
    NOW + 6 * DAY,
    bob.options,
  )
  await ledger.recordExposures(
    site,
    [
      {
        ruleId: 'back',
        visitorId: 'vis-bob',
        visitId: 'b2',
        variant: 'treatment',
        rulesetVersion: 1,
        offerCode: 'BACK-BOB',
      },
    ],
    NOW + 7 * DAY,
  )
}

describe('erase covers every table of the object', () => {
  it('knows each table: erased, or listed with the reason it holds no one', async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    const known = new Set<string>([...ERASED_TABLES, ...Object.keys(TABLES_WITHOUT_PEOPLE)])
    const unknown = (await ledgerTables(ledger)).filter((table) => !known.has(table))
    expect(
      unknown,
      'a new table: erase it in src/ledger/privacy.ts or list it in TABLES_WITHOUT_PEOPLE',
    ).toEqual([])
  })

  it("erases every table with a column that can hold someone's id", async () => {
    const { ledger } = testLedger()
    const erased = new Set<string>(ERASED_TABLES)
    for (const table of await ledgerTables(ledger)) {
      const columns = await ledgerRows<{ name: string }>(
        ledger,
        'SELECT name FROM pragma_table_info(?1)',
        table,
      )
      const ids = columns
        .map((column) => column.name)
        .filter((name) => ['visitor_id', 'person_id', 'holder'].includes(name))
      if (ids.length > 0) expect(erased.has(table), `${table} has ${ids.join(', ')}`).toBe(true)
    }
  })
})

describe('export', () => {
  it("exports a visitor's rows with its person's counters", async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    const held = await ledger.exportSubject({ visitorId: 'vis-phone' })
    expect(held?.personId).toBe(ANA)
    expect(held?.visitors).toEqual([
      expect.objectContaining({
        visitor_id: 'vis-phone',
        person_id: ANA,
        orders: 4,
        purchase_visits: 4,
      }),
    ])
    expect(held?.visits.map((visit) => visit.visit_id)).toEqual(['p1', 'p2', 'p3'])
    expect(held?.orders.map((o) => o.order_id)).toEqual(['ord-ana-1', 'ord-ana-2'])
    expect(JSON.parse(String(held?.events.find((event) => event.type === 'track')?.data))).toEqual({
      name: 'wishlist',
      props: { sku: 'g' },
    })
    expect(held?.offerRedemptions).toEqual([expect.objectContaining({ code: 'BACK-PHONE' })])
    expect(JSON.stringify(held)).not.toContain('vis-bob')
  })

  it('exports a customer with all its browsers and its imported history; null for no one', async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    const held = await ledger.exportSubject({ customerPerson: ANA })
    expect(held?.visitors.map((v) => v.visitor_id).sort()).toEqual([ANA, 'vis-laptop', 'vis-phone'])
    expect(held?.orders.map((o) => o.order_id).sort()).toEqual([
      'hist-ana-1',
      'ord-ana-1',
      'ord-ana-2',
      'ord-ana-3',
    ])
    expect(held?.offerRedemptions.map((r) => r.holder).sort()).toEqual([ANA, 'visitor:vis-phone'])
    expect(await ledger.exportSubject({ visitorId: 'nobody' })).toBeNull()
    expect(await ledger.exportSubject({ customerPerson: 'c:id:nobody' })).toBeNull()
  })
})

describe('erase', () => {
  it('erases a customer from every table, keeping Bob and the segment rollups', async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    const rollups = await ledgerRows(
      ledger,
      'SELECT * FROM daily_segment_stats ORDER BY day, segment',
    )
    expect(await ledger.eraseSubject(site, { customerPerson: ANA })).toEqual({
      events: 9,
      visits: 5,
      orders: 4,
      exposures: 2,
      daily_segment_visitors: 4,
      offer_redemptions: 2,
      visitors: 3,
    })
    for (const needle of [
      'vis-phone',
      'vis-laptop',
      ANA,
      ANA.slice(2),
      'BACK-PHONE',
      'BACK-ANA',
      'ord-ana-',
      'hist-ana',
    ])
      expect(await tablesHolding(ledger, needle), needle).toEqual([])
    expect(await tablesHolding(ledger, 'vis-bob')).toEqual(
      expect.arrayContaining(['events', 'exposures', 'orders', 'visitors', 'visits']),
    )
    expect(
      await ledgerRows(ledger, 'SELECT * FROM daily_segment_stats ORDER BY day, segment'),
    ).toEqual(rollups)
    // The customer rollups follow the orders that are left: Bob alone.
    expect((await ledger.metrics(site, '2026-01-01', '2026-12-31')).customers).toMatchObject({
      total: 1,
      revenueMicros: 7_000_000,
    })
    expect(await ledger.eraseSubject(site, { customerPerson: ANA })).toBeNull()
    expect(await ledger.exportSubject({ visitorId: 'vis-phone' })).toBeNull()
  })

  it("erases one device of a customer and recounts the customer's other rows without it", async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    expect(await ledger.eraseSubject(site, { visitorId: 'vis-laptop' })).toEqual({
      events: 3,
      visits: 1,
      orders: 1,
      exposures: 1,
      daily_segment_visitors: 1,
      offer_redemptions: 0,
      visitors: 1,
    })
    expect(await tablesHolding(ledger, 'vis-laptop')).toEqual([])
    expect(
      await ledgerRows(
        ledger,
        'SELECT orders, purchase_visits, revenue_micros FROM people WHERE person_id = ?1',
        ANA,
      ),
    ).toEqual([{ orders: 3, purchase_visits: 3, revenue_micros: 164_000_000 }])
    // The customer's own code stays with the customer, who still has a device.
    expect(await tablesHolding(ledger, 'BACK-ANA')).toEqual(['offer_redemptions'])
  })

  it("erasing a customer's last browser takes the customer's own rows with it", async () => {
    const { site, ledger } = testLedger()
    await seedShop(ledger, site)
    await ledger.eraseSubject(site, { visitorId: 'vis-laptop' })
    // Ana's imported history hangs on a row of her own: the phone is not yet her last.
    await ledger.eraseSubject(site, { visitorId: ANA })
    expect(await ledger.eraseSubject(site, { visitorId: 'vis-phone' })).toMatchObject({
      visitors: 1,
      offer_redemptions: 2,
    })
    for (const needle of ['vis-phone', ANA, 'BACK-ANA'])
      expect(await tablesHolding(ledger, needle), needle).toEqual([])
  })

  it('erases a visitor only ever seen by decide', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(
      site,
      [
        {
          ruleId: 'r',
          visitorId: 'lurker',
          visitId: 'x',
          variant: 'control',
          rulesetVersion: 1,
          offerCode: null,
        },
      ],
      NOW,
    )
    expect(await ledger.eraseSubject(site, { visitorId: 'lurker' })).toMatchObject({
      exposures: 1,
      visitors: 0,
    })
    expect(await tablesHolding(ledger, 'lurker')).toEqual([])
  })
})

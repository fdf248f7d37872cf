import { describe, expect, it } from 'vitest'
import { addDays, dayFromNumber, dayNumber } from './days'
import { groupByFrequency, summarizeOrders } from './summary'

describe('days', () => {
  it('counts whole calendar days', () => {
    expect(dayNumber('1997-09-30') - dayNumber('1997-01-01')).toBe(272)
    expect(dayFromNumber(dayNumber('2024-02-29'))).toBe('2024-02-29')
    expect(addDays('1997-09-30', 2)).toBe('1997-10-02')
    expect(addDays('1997-03-01', -1)).toBe('1997-02-28')
  })

  it('refuses anything but a real YYYY-MM-DD day', () => {
    for (const bad of [
      '1997-02-30',
      '1997-13-01',
      '97-01-01',
      '1997-1-1',
      '',
      '1997-01-01T00:00',
    ]) {
      expect(() => dayNumber(bad)).toThrow(RangeError)
    }
  })
})

describe('summarizeOrders', () => {
  // CDNOW customer 0001 (master id 00004): three purchase days before 1997-09-30, one after.
  const customer0001 = [
    { customerId: '0001', day: '1997-01-01', revenue: 29.33 },
    { customerId: '0001', day: '1997-01-18', revenue: 29.73 },
    { customerId: '0001', day: '1997-08-02', revenue: 14.96 },
    { customerId: '0001', day: '1997-12-12', revenue: 26.48 },
  ]

  it('reproduces the paper’s row for customer 0001: x = 2, tx = 30.43, T = 38.86', () => {
    const { customers } = summarizeOrders(customer0001, '1997-09-30')
    expect(customers).toHaveLength(1)
    const [c] = customers
    expect(c).toMatchObject({
      customerId: '0001',
      firstDay: '1997-01-01',
      lastDay: '1997-08-02',
      x: 2,
    })
    expect(c!.tx).toBe(213 / 7)
    expect(c!.T).toBe(272 / 7)
    expect(c!.tx.toFixed(2)).toBe('30.43')
    expect(c!.T.toFixed(2)).toBe('38.86')
    // Mean of the repeat purchase days only (the first, 29.33, is left out).
    expect(c!.monetary).toBeCloseTo((29.73 + 14.96) / 2, 12)
    // Gaps 17 and 196 days: the median of two is their mean.
    expect(c!.medianGapDays).toBe(106.5)
  })

  it('counts orders on one day as one purchase day with their revenue summed', () => {
    const { customers, purchaseDays, revenue } = summarizeOrders(
      [
        { customerId: 'a', day: '2026-01-01', revenue: 10 },
        { customerId: 'a', day: '2026-01-08', revenue: 5 },
        { customerId: 'a', day: '2026-01-08', revenue: 7 },
      ],
      '2026-01-15',
    )
    expect(customers[0]).toMatchObject({ x: 1, tx: 1, T: 2, monetary: 12, medianGapDays: null })
    expect(purchaseDays).toBe(2)
    expect(revenue).toBe(22)
  })

  it('observes asOf in full and ignores later orders; a purchase on asOf has tx = T', () => {
    const orders = [
      { customerId: 'a', day: '2026-01-01', revenue: 1 },
      { customerId: 'a', day: '2026-01-15', revenue: 2 },
      { customerId: 'a', day: '2026-01-16', revenue: 4 },
      { customerId: 'b', day: '2026-01-16', revenue: 8 },
    ]
    const { customers, revenue } = summarizeOrders(orders, '2026-01-15')
    expect(customers).toEqual([
      {
        customerId: 'a',
        firstDay: '2026-01-01',
        lastDay: '2026-01-15',
        x: 1,
        tx: 2,
        T: 2,
        monetary: 2,
        medianGapDays: null,
      },
    ])
    expect(revenue).toBe(3)
  })

  it('gives x = 0, tx = 0 and monetary 0 to one-time buyers; T still counts from their day', () => {
    const { customers } = summarizeOrders(
      [{ customerId: 'a', day: '2026-01-01', revenue: 9 }],
      '2026-01-08',
    )
    expect(customers[0]).toMatchObject({ x: 0, tx: 0, T: 1, monetary: 0, medianGapDays: null })
  })

  it('does not depend on the order of the rows', () => {
    const shuffled = [customer0001[3]!, customer0001[1]!, customer0001[0]!, customer0001[2]!]
    expect(summarizeOrders(shuffled, '1997-09-30')).toEqual(
      summarizeOrders(customer0001, '1997-09-30'),
    )
  })

  it('refuses a malformed row, naming it', () => {
    const ok = { customerId: 'a', day: '2026-01-01', revenue: 1 }
    expect(() => summarizeOrders([ok, { ...ok, day: '2026-02-30' }], '2026-03-01')).toThrow(
      /order 1: day/,
    )
    expect(() => summarizeOrders([{ ...ok, revenue: -1 }], '2026-03-01')).toThrow(
      /order 0: revenue/,
    )
    expect(() => summarizeOrders([{ ...ok, revenue: Number.NaN }], '2026-03-01')).toThrow(/revenue/)
    expect(() => summarizeOrders([{ ...ok, customerId: '' }], '2026-03-01')).toThrow(/customerId/)
    expect(() => summarizeOrders([ok], '2026-3-1')).toThrow(RangeError)
  })
})

describe('groupByFrequency', () => {
  it('groups identical (x, tx, T) rows with counts, sorted', () => {
    const groups = groupByFrequency([
      { x: 1, tx: 2, T: 5 },
      { x: 0, tx: 0, T: 5 },
      { x: 1, tx: 2, T: 5 },
      { x: 0, tx: 0, T: 4 },
    ])
    expect(groups).toEqual([
      { x: 0, tx: 0, T: 4, count: 1 },
      { x: 0, tx: 0, T: 5, count: 1 },
      { x: 1, tx: 2, T: 5, count: 2 },
    ])
  })
})

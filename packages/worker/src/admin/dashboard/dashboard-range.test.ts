import { describe, expect, it } from 'vitest'
import {
  formatDays,
  formatMoney,
  formatPercent,
  formatPoints,
  formatSignedMoney,
  formatSignedPercent,
} from './dashboard-format'
import { chooseRange, monthEnds, quickRange } from './dashboard-range'

describe('dashboard range', () => {
  it('defaults to the last 30 days, like the metrics API', () => {
    expect(chooseRange({}, '2026-03-31')).toEqual({
      ok: true,
      range: { from: '2026-03-02', to: '2026-03-31' },
    })
    expect(chooseRange({ from: '', to: '' }, '2026-03-31')).toEqual({
      ok: true,
      range: { from: '2026-03-02', to: '2026-03-31' },
    })
    expect(chooseRange({ from: '2026-01-01' }, '2026-03-31')).toEqual({
      ok: true,
      range: { from: '2026-01-01', to: '2026-03-31' },
    })
  })

  it('refuses what is not a range, saying why', () => {
    expect(chooseRange({ from: '2026-02-30' }, '2026-03-31')).toMatchObject({
      ok: false,
      error: expect.stringContaining('“2026-02-30” is not a date'),
    })
    expect(chooseRange({ from: '2026-03-01', to: '2026-02-01' }, '2026-03-31')).toMatchObject({
      ok: false,
      error: expect.stringContaining('is after the end date'),
    })
  })

  it('has quick ranges that end today', () => {
    expect(quickRange(7, '2026-03-03')).toEqual({ from: '2026-02-25', to: '2026-03-03' })
    expect(quickRange(365, '2026-12-31')).toEqual({ from: '2026-01-01', to: '2026-12-31' })
  })

  it('plots month ends, the range end last, at most twelve', () => {
    expect(monthEnds('2026-01-15', '2026-03-10')).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-10',
    ])
    expect(monthEnds('2026-03-01', '2026-03-31')).toEqual(['2026-03-31'])
    expect(monthEnds('2026-03-05', '2026-03-06')).toEqual(['2026-03-06'])
    expect(monthEnds('2023-11-20', '2024-03-01')).toEqual([
      '2023-11-30',
      '2023-12-31',
      '2024-01-31',
      '2024-02-29',
      '2024-03-01',
    ])
    const long = monthEnds('2020-01-01', '2026-03-31')
    expect(long).toHaveLength(12)
    expect(long[0]).toBe('2025-04-30')
    expect(long[11]).toBe('2026-03-31')
  })
})

describe('dashboard numbers', () => {
  it('formats for people, with a dash where there is no value', () => {
    expect(formatPercent(0.41234)).toBe('41.2%')
    expect(formatPercent(null)).toBe('–')
    expect(formatPoints(0.023)).toBe('+2.3 pts')
    expect(formatPoints(-0.1)).toBe('-10.0 pts')
    expect(formatSignedPercent(0.15)).toBe('+15.0%')
    expect(formatMoney(1234.5, 'USD')).toBe('$1,234.50')
    expect(formatMoney(12, 'EUR')).toBe('€12.00')
    expect(formatSignedMoney(-0.5, 'USD')).toBe('-$0.50')
    expect(formatSignedMoney(null, 'USD')).toBe('–')
    expect(formatDays(12.25)).toBe('12.3 days')
    expect(formatDays(1)).toBe('1 day')
  })
})

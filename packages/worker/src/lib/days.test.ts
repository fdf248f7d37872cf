import { describe, expect, it } from 'vitest'
import {
  addDays,
  DAY_MS,
  daysBetween,
  nextDay,
  twoDigits,
  utcDay,
  utcMidnight,
  WEEK_MS,
} from './days'

describe('days', () => {
  it('steps to the next day', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01')
    expect(nextDay('2028-02-28')).toBe('2028-02-29')
  })

  it('adds and counts days across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2026-03-31', -29)).toBe('2026-03-02')
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30)
    expect(daysBetween('2026-01-31', '2026-01-01')).toBe(-30)
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366)
  })

  it('reads and writes UTC days', () => {
    expect(utcDay(0)).toBe('1970-01-01')
    expect(utcDay(DAY_MS - 1)).toBe('1970-01-01')
    expect(utcMidnight('1970-01-02')).toBe(DAY_MS)
    expect(WEEK_MS).toBe(604_800_000)
    expect(twoDigits(7)).toBe('07')
    expect(twoDigits(12)).toBe('12')
  })
})

import { describe, expect, it } from 'vitest'
import {
  forgetLedgerRead,
  LEDGER_READ_MAX_AGE_MS,
  recentLedgerRead,
  rememberLedgerRead,
} from './recent-reads'

const read = { rulesVersion: 3, quota: { quota: 100, used: 7 } }

describe('recent ledger reads', () => {
  it('serves a read for LEDGER_READ_MAX_AGE_MS, then asks for a new one', () => {
    rememberLedgerRead('site-a', read, 1_000)
    expect(recentLedgerRead('site-a', 1_000)).toMatchObject(read)
    expect(recentLedgerRead('site-a', 1_000 + LEDGER_READ_MAX_AGE_MS - 1)).toMatchObject(read)
    expect(recentLedgerRead('site-a', 1_000 + LEDGER_READ_MAX_AGE_MS)).toBeNull()
    // A read by a request that started a moment after this one is fresh for it.
    expect(recentLedgerRead('site-a', 900)).toMatchObject(read)
    expect(recentLedgerRead('site-b', 1_000)).toBeNull()
  })

  it('forgets a site at once (a publish in this isolate)', () => {
    rememberLedgerRead('site-c', read, 1_000)
    forgetLedgerRead('site-c')
    expect(recentLedgerRead('site-c', 1_000)).toBeNull()
  })

  it('keeps the newest read of a site', () => {
    rememberLedgerRead('site-d', read, 1_000)
    rememberLedgerRead('site-d', { ...read, rulesVersion: 4 }, 2_000)
    expect(recentLedgerRead('site-d', 2_000)?.rulesVersion).toBe(4)
  })
})

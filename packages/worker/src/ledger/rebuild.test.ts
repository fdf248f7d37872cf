import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ledgerRows, testLedger } from '../../test/ledger'
import { generateHistory, replayIntoLedger } from '../../test/ledger-history'
import { rebuildStep } from './rebuild'
import type { RebuildCursor } from './types'

const DERIVED = [
  'SELECT * FROM people ORDER BY person_id',
  'SELECT order_id, person_id, previous_order_at, purchase_visit, purchase_gap, cohort_month FROM orders ORDER BY order_id',
  'SELECT * FROM daily_segment_stats ORDER BY day, segment',
  'SELECT * FROM daily_customers WHERE first_orders <> 0 OR second_visits <> 0 OR revenue_micros <> 0 ORDER BY day',
  'SELECT * FROM purchase_gap_days WHERE gaps <> 0 ORDER BY days',
  'SELECT * FROM cohort_months WHERE customers <> 0 ORDER BY cohort, month',
]

describe('the rebuild from the facts, in steps', () => {
  it('restores every counter and rollup after they were wiped, a few people a step', async () => {
    const { site, ledger } = testLedger({ timeZone: 'Asia/Tokyo' })
    const start = Date.parse('2026-01-05T15:00:00Z')
    await replayIntoLedger(
      ledger,
      site,
      generateHistory({
        seed: 5,
        start,
        spanDays: 90,
        rangeEnd: start + 100 * 86_400_000,
        timeZone: 'Asia/Tokyo',
        visitors: 40,
      }),
    )
    const kept = await Promise.all(DERIVED.map((query) => ledgerRows(ledger, query)))
    const steps = await runInDurableObject(ledger, (_instance, state) => {
      const sql = state.storage.sql
      sql.exec('DELETE FROM people; DELETE FROM daily_segment_stats; DELETE FROM daily_customers')
      sql.exec('DELETE FROM purchase_gap_days; DELETE FROM cohort_months')
      sql.exec(
        'UPDATE orders SET previous_order_at = NULL, purchase_visit = NULL, purchase_gap = NULL, cohort_month = NULL',
      )
      // A stale row of a person no visitor belongs to: the rebuild drops it.
      sql.exec("INSERT INTO people (person_id, visits) VALUES ('zz-gone', 3)")
      const phases: string[] = []
      let cursor: RebuildCursor | null = null
      do {
        const from: RebuildCursor | null = cursor
        cursor = state.storage.transactionSync(() => rebuildStep(sql, site, from, 7))
        if (cursor) phases.push(cursor.phase)
      } while (cursor)
      return phases
    })
    // 40-odd people, 7 a step: several steps per phase.
    expect(steps.filter((phase) => phase === 'people').length).toBeGreaterThan(4)
    expect(steps.filter((phase) => phase === 'customers').length).toBeGreaterThan(4)
    expect(await Promise.all(DERIVED.map((query) => ledgerRows(ledger, query)))).toEqual(kept)
  })
})

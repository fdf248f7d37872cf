import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { decideContextSql } from './queries'

async function plan(sql: string): Promise<string[]> {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind('pk_x', 'v', 's', Date.now(), '2026-01-01')
    .all<{ detail: string }>()
  return rows.results.map((row) => row.detail)
}

describe('decide query plan', () => {
  it.each([false, true])(
    'finds the site by either key through an index, and scans no table (exposure times: %s)',
    async (withExposureTimes) => {
      const steps = await plan(decideContextSql({ withExposureTimes }))
      expect(
        steps.some((step) => /SCAN (s|sites|v|cv|visitors|visits|rulesets|exposures)\b/.test(step)),
      ).toBe(false)
      expect(steps).toContain('MULTI-INDEX OR')
      expect(steps.some((step) => step.includes('(public_key=?)'))).toBe(true)
      expect(
        steps.some((step) => step.includes('sites_by_previous_public_key (previous_public_key=?)')),
      ).toBe(true)
    },
  )
})

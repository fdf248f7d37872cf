import type { Exposure } from '../ledger/client'

const MAX_ENTRIES = 20_000

/**
 * Exposures this isolate already wrote for the same visit. Deliberate module state, bounded: a
 * visitor browsing several pages asks decide for the same slots again and again, and rewriting the
 * same (rule, visitor, visit) row would cost a ledger write per page view for nothing (the write is
 * idempotent, so another isolate writing it again is harmless).
 */
const written = new Map<string, true>()

/**
 * Returns the exposures not yet written from this isolate for their visit, and remembers them.
 * @example const toWrite = takeUnwritten(site.id, exposures)
 */
export function takeUnwritten(siteId: string, exposures: Exposure[]): Exposure[] {
  return exposures.filter((exposure) => {
    const key = `${siteId}|${exposure.ruleId}|${exposure.visitorId}|${exposure.visitId}|${exposure.variant}`
    if (written.has(key)) return false
    if (written.size >= MAX_ENTRIES) written.delete(written.keys().next().value!)
    written.set(key, true)
    return true
  })
}

/** Lets a failed write be retried by the next request instead of being remembered as done. */
export function forgetWritten(siteId: string, exposures: Exposure[]): void {
  for (const exposure of exposures) {
    written.delete(
      `${siteId}|${exposure.ruleId}|${exposure.visitorId}|${exposure.visitId}|${exposure.variant}`,
    )
  }
}

import type { VisitorExport } from '@stammis/contract'
import type { LedgerRow, SubjectRows } from '../ledger/client'

/** Everything held about a subject, table by table, with camelCase keys and event data parsed. */
export type SubjectExport = Omit<VisitorExport, 'visitorId' | 'exportedAt'>

/**
 * The export answer from the rows the ledger holds about a subject: rows whole (every column,
 * present and future), keys in camelCase, an event's `data` parsed.
 * @example const held = await ledgerFor(env, site.id).exportSubject({ visitorId: 'V1St' }); if (held) toExport(held)
 */
export function toExport(rows: SubjectRows): SubjectExport {
  return {
    personId: rows.personId,
    visitors: rows.visitors.map(toExportRow),
    visits: rows.visits.map(toExportRow),
    events: rows.events.map(toExportRow),
    orders: rows.orders.map(toExportRow),
    exposures: rows.exposures.map(toExportRow),
    offerRedemptions: rows.offerRedemptions.map(toExportRow),
    dailySegmentVisitors: rows.dailySegmentVisitors.map(toExportRow),
  }
}

function toExportRow(row: LedgerRow): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    const key = column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
    out[key] = column === 'data' && typeof value === 'string' ? parseJson(value) : value
  }
  return out
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

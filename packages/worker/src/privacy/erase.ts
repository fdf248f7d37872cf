import type { EraseResult, VisitorExport } from '@stammis/contract'
import { recomputeVisitorStatement } from '../segments/queries'
import type { Site } from '../sites/site'
import { eraseStatements, selectSubjectRows, type ErasedTable, type Row } from './queries'
import type { ResolvedSubject } from './subject'
import { bumpProfileEpochStatement } from '../sites/profile-epoch'
import { forgetSite } from '../sites/directory'

/** Everything held about a subject, table by table, with camelCase keys and event data parsed. */
export type SubjectExport = Omit<VisitorExport, 'visitorId' | 'exportedAt'>

/**
 * Everything held about a subject, or null when nothing is. Rows are exported whole (every
 * column, present and future), without the site id.
 * @example await exportSubject(env.DB, await visitorSubject(env.DB, site, 'V1St'))
 */
export async function exportSubject(
  db: D1Database,
  subject: ResolvedSubject,
): Promise<SubjectExport | null> {
  const rows = await selectSubjectRows(db, subject)
  if (Object.values(rows).every((table) => table.length === 0)) return null
  const out = (table: ErasedTable) => rows[table].map(toExportRow)
  return {
    personId: subject.personId,
    visitors: out('visitors'),
    visits: out('visits'),
    events: out('events'),
    orders: out('orders'),
    exposures: out('exposures'),
    offerRedemptions: out('offer_redemptions'),
    dailySegmentVisitors: out('daily_segment_visitors'),
  }
}

/**
 * Deletes every row held about a subject in one transaction and answers how many rows each table
 * lost (null when nothing was held). When the erased visitor's person keeps other visitors, their
 * counters are recomputed in the same transaction. Daily rollups keep their counts: they hold no id.
 * @example await eraseSubject(env.DB, site, await visitorSubject(env.DB, site, 'V1St'))
 */
export async function eraseSubject(
  db: D1Database,
  site: Site,
  subject: ResolvedSubject,
): Promise<EraseResult['erased'] | null> {
  // `visitorIds[0]` is the erased visitor: its row still links the person while the others are
  // recomputed without its facts.
  const recompute = subject.hasOtherVisitors
    ? [
        recomputeVisitorStatement(
          db,
          site.id,
          subject.visitorIds[0]!,
          site.currency,
          site.trustBrowserPurchases,
        ),
      ]
    : []
  const { statements, tables } = eraseStatements(db, subject, recompute)
  // The profile epoch goes up in the same transaction: no profile token issued before the erase
  // can answer for the erased history afterwards.
  const results = await db.batch([...statements, bumpProfileEpochStatement(db, site.id)])
  forgetSite(site.id)
  const erased = {} as Record<ErasedTable, number>
  tables.forEach((table, index) => {
    if (table) erased[table] = results[index]!.meta.changes
  })
  return Object.values(erased).some((count) => count > 0) ? erased : null
}

function toExportRow(row: Row): Row {
  const out: Row = {}
  for (const [column, value] of Object.entries(row)) {
    if (column === 'site_id') continue
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

// Which SQL statement of a metrics report costs what: calls the worker's own query functions
// (src/metrics/queries.ts, loaded with tsx, so the SQL is never copied here) on a D1 binding that
// records every statement with its parameters, then runs each recorded statement on its own
// (median of a few runs, from D1's own `meta.duration`) and asks SQLite for its query plan.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')
/**
 * Per statement of a report for [from, to]: the query function it belongs to, its SQL, the
 * median execution time in ms (SQLite inside workerd, no HTTP) and its EXPLAIN QUERY PLAN.
 * @example await queryBreakdown(db, { siteId: 'site_demo', currency: 'USD', timeZone: 'UTC', lapseDays: 90 }, '2026-10-02', '2026-10-31')
 */
export async function queryBreakdown(db, site, from, to, runs = 3) {
  const queries = await tsImport(join(srcDir, 'metrics/queries.ts'), import.meta.url)
  const zone = await tsImport(join(srcDir, 'lib/time-zone.ts'), import.meta.url)
  const days = await tsImport(join(srcDir, 'lib/days.ts'), import.meta.url)
  // The same arguments buildMetrics (src/metrics/report.ts) passes.
  const start = zone.dayStart(from, site.timeZone)
  const end = zone.dayStart(days.nextDay(to), site.timeZone)
  const calls = {
    segmentTotals: (d) => queries.segmentTotals(d, site.siteId, from, to),
    customerSummary: (d) =>
      queries.customerSummary(
        d,
        site.siteId,
        start,
        end,
        site.currency,
        site.lapseDays * days.DAY_MS,
      ),
    cohortCounts: (d) => queries.cohortCounts(d, site.siteId, end),
    offerArms: (d) => queries.offerArms(d, site.siteId, start, end, site.currency),
  }
  const statements = []
  for (const [name, call] of Object.entries(calls)) {
    const recorded = []
    await call(recordingDb(db, recorded))
    for (const { sql, args } of recorded)
      statements.push({ function: name, sql: squash(sql), args })
  }
  for (const statement of statements) {
    const durations = []
    for (let i = 0; i < runs; i++) {
      const result = await db
        .prepare(statement.sql)
        .bind(...statement.args)
        .all()
      durations.push(result.meta.duration)
      statement.rows = result.results.length
    }
    durations.sort((a, b) => a - b)
    statement.ms = durations[Math.floor(durations.length / 2)]
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
      .bind(...statement.args)
      .all()
    statement.plan = plan.results.map((row) => `${row.parent}>${row.id} ${row.detail}`)
  }
  return statements
}

/** A D1Database that runs as usual and records the SQL and parameters of each statement it runs. */
function recordingDb(db, recorded) {
  const wrap = (statement, sql, args) => ({
    inner: statement,
    sql,
    args,
    bind: (...values) => wrap(statement.bind(...values), sql, values),
    all: () => (recorded.push({ sql, args }), statement.all()),
    first: (column) => (recorded.push({ sql, args }), statement.first(column)),
    run: () => (recorded.push({ sql, args }), statement.run()),
    raw: (options) => (recorded.push({ sql, args }), statement.raw(options)),
  })
  return {
    prepare: (sql) => wrap(db.prepare(sql), sql, []),
    batch: (statements) => {
      for (const s of statements) recorded.push({ sql: s.sql, args: s.args })
      return db.batch(statements.map((s) => s.inner))
    },
  }
}

function squash(sql) {
  return sql.replace(/\s+/g, ' ').trim()
}

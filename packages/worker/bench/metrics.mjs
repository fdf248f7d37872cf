// `pnpm bench:metrics`: loads a synthetic shop (100,000 visitors, 1,000,000 events, 50,000 orders
// over 400 days) straight into a local D1 state, starts the real worker on it with `wrangler dev`,
// and times `GET /v1/admin/metrics` for the last 30 and the last 365 days. Every answer is checked
// against counts computed from the generated rows, so the bench cannot time an empty or wrong
// report. Then each SQL statement of the report is timed on its own, with its query plan, to show
// where the time goes. The speed goal (under 1 s) is reported, not asserted.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'
import { checkLoaded, loadShop, openState, prepareState } from './load-shop.mjs'
import { queryBreakdown } from './query-breakdown.mjs'
import { expectedTotals, generateShop, SHOP } from './synthetic-shop.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const DAY_MS = 86_400_000
const GOAL_MS = 1000
/** Written into a loaded state folder, so BENCH_STATE reuses only a state of this very shop. */
const MARKER = 'stammis-bench-shop.json'
/** Statements slower than this get their query plan printed (all plans go to the JSON file). */
const SLOW_STATEMENT_MS = 100

const runs = positiveInt('BENCH_RUNS', 7)
const stateFromEnv = process.env.BENCH_STATE ? resolve(process.env.BENCH_STATE) : null
const extraSql = process.env.BENCH_EXTRA_SQL ?? ''
const demoSite = { siteId: 'site_demo', currency: 'USD', timeZone: 'UTC', lapseDays: 90 }

function rangeEndingAt(lastDay, days) {
  const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - (days - 1) * DAY_MS)
    .toISOString()
    .slice(0, 10)
  return { name: `${days} days`, from, to: lastDay }
}

const ranges = [rangeEndingAt(SHOP.lastDay, 30), rangeEndingAt(SHOP.lastDay, 365)]
const loadBefore = os.loadavg()

async function main() {
  let started = performance.now()
  const shop = generateShop()
  const generateSeconds = (performance.now() - started) / 1000
  const counts = {
    visitors: shop.visitors.length,
    visits: shop.visits.length,
    orders: shop.orders.length,
    events: shop.events.length,
    exposures: shop.exposures.length,
  }
  console.log(
    `bench:metrics: generated ${describeCounts(counts)} in ${generateSeconds.toFixed(1)} s`,
  )

  const state = openStateFolder(shop)
  let load = null
  try {
    if (state.isLoaded) {
      console.log(`bench:metrics: reusing the loaded state in ${state.dir}`)
      const { db, dispose } = await openState(state.dir)
      await checkLoaded(db, shop).finally(dispose)
    } else {
      load = await loadInto(state.dir, shop)
      writeFileSync(join(state.dir, MARKER), JSON.stringify(markerOf(shop), null, 2) + '\n')
    }
    if (extraSql) await runExtraSql(state.dir, extraSql)

    const timings = await timeReports(state.dir, shop)
    console.log('bench:metrics: timing each statement of the report on its own')
    const { db, dispose } = await openState(state.dir)
    const breakdown = {}
    try {
      for (const range of ranges)
        breakdown[range.name] = await queryBreakdown(db, demoSite, range.from, range.to, 1)
    } finally {
      await dispose()
    }

    const report = {
      date: new Date().toISOString(),
      machine: machineDescription(),
      loadAverageBefore: loadBefore.map((value) => round(value, 2)),
      shop: { ...SHOP, ...counts },
      state: { dir: state.dir, reused: state.isLoaded, extraSql: extraSql || null },
      generateSeconds: round(generateSeconds, 2),
      load,
      goalMs: GOAL_MS,
      ranges: timings,
      breakdown,
    }
    printReport(report)
    writeFileSync(join(benchDir, 'metrics-last-run.json'), JSON.stringify(report, null, 2) + '\n')
    console.log('\nbench:metrics: written to packages/worker/bench/metrics-last-run.json')
  } finally {
    if (!stateFromEnv) rmSync(state.dir, { recursive: true, force: true })
  }
}

/**
 * The state folder: BENCH_STATE if set (loaded once, reused while the shop is the same), else a
 * fresh temporary folder removed at the end. A folder holding anything else is never written to.
 */
function openStateFolder(shop) {
  if (!stateFromEnv)
    return { dir: mkdtempSync(join(os.tmpdir(), 'stammis-bench-metrics-')), isLoaded: false }
  const dir = stateFromEnv
  mkdirSync(dir, { recursive: true })
  const markerPath = join(dir, MARKER)
  if (existsSync(markerPath)) {
    if (readFileSync(markerPath, 'utf8') === JSON.stringify(markerOf(shop), null, 2) + '\n')
      return { dir, isLoaded: true }
    throw new Error(
      `${dir} holds another synthetic shop (${MARKER} differs): delete the folder to reload it`,
    )
  }
  if (readdirSync(dir).length > 0)
    throw new Error(
      `${dir} is not empty and has no ${MARKER}: use an empty or new folder for BENCH_STATE`,
    )
  return { dir, isLoaded: false }
}

function markerOf(shop) {
  return { ...shop.shape, visits: shop.visits.length, exposures: shop.exposures.length }
}

async function loadInto(dir, shop) {
  const started = performance.now()
  console.log(`bench:metrics: loading into ${dir}`)
  await prepareState(dir)
  const migrateSeconds = (performance.now() - started) / 1000
  const { db, dispose } = await openState(dir)
  try {
    let last = ''
    const tables = await loadShop(db, shop, (table, rows) => {
      if (process.stdout.isTTY) process.stdout.write(`\r  ${table}: ${rows} rows   `)
      else if (table !== last) console.log(`  ${table}...`)
      last = table
    })
    if (process.stdout.isTTY) process.stdout.write('\n')
    await checkLoaded(db, shop)
    const seconds = (performance.now() - started) / 1000
    console.log(
      `bench:metrics: loaded and checked in ${seconds.toFixed(1)} s (migrations and demo site ${migrateSeconds.toFixed(1)} s)`,
    )
    return {
      seconds: round(seconds, 2),
      migrateSeconds: round(migrateSeconds, 2),
      tables: Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, round(v, 2)])),
    }
  } finally {
    await dispose()
  }
}

/** BENCH_EXTRA_SQL: statements run on the state before timing, to measure an index before writing its migration. */
async function runExtraSql(dir, sql) {
  console.log(`bench:metrics: running BENCH_EXTRA_SQL on the state: ${sql}`)
  const { db, dispose } = await openState(dir)
  try {
    await db.exec(sql.replace(/\s*\n\s*/g, ' '))
  } finally {
    await dispose()
  }
}

/** Starts the worker on the state, warms it up, then times `runs` calls per range, each checked. */
async function timeReports(dir, shop) {
  const port = await freePort()
  console.log(`bench:metrics: starting the worker on port ${port} (wrangler dev, rules: none)`)
  const worker = await startLocalWorker({
    port,
    persistTo: dir,
    rulesFile: null,
    quiet: process.env.BENCH_WORKER_LOGS !== 'on',
  })
  const stopOnSignal = async () => {
    await worker.stop()
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    const expected = Object.fromEntries(
      ranges.map((range) => [range.name, expectedTotals(shop, range.from, range.to)]),
    )
    // Warm-up: the worker's first requests compile code and fill SQLite's page cache; discarded.
    for (const range of ranges)
      for (let i = 0; i < 2; i++)
        checkReport(range, (await fetchReport(worker.url, range)).body, expected[range.name])
    const timings = []
    for (const range of ranges) {
      const durations = []
      for (let i = 0; i < runs; i++) {
        const { ms, body } = await fetchReport(worker.url, range)
        checkReport(range, body, expected[range.name])
        durations.push(ms)
      }
      const sorted = [...durations].sort((a, b) => a - b)
      const totals = expected[range.name].totals
      timings.push({
        ...range,
        runs,
        minMs: round(sorted[0], 1),
        medianMs: round(median(sorted), 1),
        maxMs: round(sorted.at(-1), 1),
        durationsMs: durations.map((ms) => round(ms, 1)),
        goalMet: median(sorted) < GOAL_MS,
        checked: {
          visits: totals.visits,
          orders: totals.orders,
          customers: expected[range.name].customers,
        },
      })
      console.log(`  ${range.name}: median ${median(sorted).toFixed(0)} ms`)
    }
    return timings
  } finally {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
    await worker.stop()
  }
}

async function fetchReport(url, range) {
  const started = performance.now()
  const response = await fetch(`${url}/v1/admin/metrics?from=${range.from}&to=${range.to}`, {
    headers: { authorization: 'Bearer sk_demo' },
  })
  const text = await response.text()
  const ms = performance.now() - started
  if (!response.ok)
    throw new Error(
      `GET /v1/admin/metrics (${range.name}) answered ${response.status} ${text.slice(0, 300)}`,
    )
  return { ms, body: JSON.parse(text) }
}

/**
 * The report must say exactly what the generator put in the range: visits, orders, revenue and
 * visitors per segment, conversion, customers, and exposures per offer arm.
 */
function checkReport(range, report, expected) {
  const problems = []
  const same = (path, actual, wanted) => {
    const ok =
      typeof wanted === 'number' && !Number.isInteger(wanted)
        ? Math.abs(actual - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted))
        : actual === wanted
    if (!ok) problems.push(`${path} is ${actual}, expected ${wanted}`)
  }
  same('totals.visits', report.totals?.visits, expected.totals.visits)
  same('totals.orders', report.totals?.orders, expected.totals.orders)
  same('totals.revenue', report.totals?.revenue, expected.totals.revenueMicros / 1_000_000)
  for (const [segment, s] of Object.entries(expected.segments)) {
    const actual = report.segments?.[segment] ?? {}
    same(`${segment}.visitors`, actual.visitors, s.visitors)
    same(`${segment}.visits`, actual.visits, s.visits)
    same(`${segment}.orders`, actual.orders, s.orders)
    same(`${segment}.revenue`, actual.revenue, s.revenueMicros / 1_000_000)
    same(`${segment}.conversionRate`, actual.conversionRate, s.convertedVisits / s.visits)
  }
  same('customers.total', report.customers?.total, expected.customers)
  for (const [ruleId, arms] of Object.entries(expected.offers)) {
    const offer = report.offers?.find((candidate) => candidate.ruleId === ruleId)
    same(`offers.${ruleId}.treatment.exposed`, offer?.treatment.exposed, arms.treatment)
    same(`offers.${ruleId}.control.exposed`, offer?.control.exposed, arms.control)
  }
  if (expected.totals.visits === 0 || expected.totals.orders === 0)
    problems.push('the range holds no visits or orders: nothing worth timing')
  if (problems.length > 0)
    throw new Error(
      `the ${range.name} report (${range.from} to ${range.to}) is wrong: ${problems.join('; ')}`,
    )
}

function printReport(report) {
  console.log(`\n${report.machine} (load average before: ${report.loadAverageBefore.join(' ')})`)
  const s = report.shop
  console.log(`shop: ${describeCounts(s)}, ${s.days} days up to ${s.lastDay}`)
  if (report.load) {
    const tables = Object.entries(report.load.tables)
      .map(([table, seconds]) => `${table} ${seconds.toFixed(1)} s`)
      .join(', ')
    console.log(
      `load: ${report.load.seconds.toFixed(1)} s (migrations ${report.load.migrateSeconds.toFixed(1)} s; ${tables})`,
    )
  } else console.log(`load: reused ${report.state.dir}`)
  if (report.state.extraSql) console.log(`extra SQL: ${report.state.extraSql}`)

  const header = ['range', 'from', 'to', 'runs', 'min ms', 'median ms', 'max ms', 'goal < 1 s']
  const rows = report.ranges.map((r) => [
    r.name,
    r.from,
    r.to,
    String(r.runs),
    r.minMs.toFixed(0),
    r.medianMs.toFixed(0),
    r.maxMs.toFixed(0),
    r.goalMet ? 'met' : 'MISSED',
  ])
  console.log('\nGET /v1/admin/metrics (each answer checked against the generated counts)')
  printTable(header, rows)

  for (const [name, statements] of Object.entries(report.breakdown)) {
    console.log(`\nstatements of the ${name} report, each run alone (D1 meta.duration)`)
    printTable(
      ['function', 'ms', 'rows', 'statement'],
      statements.map((st) => [
        st.function,
        st.ms.toFixed(0),
        String(st.rows),
        st.sql.slice(0, 70) + (st.sql.length > 70 ? '...' : ''),
      ]),
    )
    for (const st of statements.filter((candidate) => candidate.ms > SLOW_STATEMENT_MS)) {
      console.log(
        `\n  ${st.function}: ${st.ms.toFixed(0)} ms, query plan:\n    ${st.plan.join('\n    ')}`,
      )
    }
  }
}

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]),
      )
      .join('  ')
  console.log(line(header).trimEnd())
  for (const row of rows) console.log(line(row).trimEnd())
}

function describeCounts(c) {
  return `${c.visitors} visitors, ${c.visits} visits, ${c.events} events, ${c.orders} orders, ${c.exposures} exposures`
}

function median(sorted) {
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function round(value, digits) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function machineDescription() {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return `Node ${process.version}, ${process.platform}/${process.arch}, ${cores} cores`
}

function positiveInt(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench:metrics: ${name} must be a positive integer, got "${raw}"`)
    process.exit(2)
  }
  return value
}

/** A port nobody listens on right now, so the bench can run beside `pnpm dev` on 8787. */

main().catch((error) => {
  console.error(`bench:metrics: ${error.message}`)
  process.exitCode = 1
})

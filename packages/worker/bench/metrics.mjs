// `pnpm bench:metrics`: the metrics report of a site's ledger (its SQLite Durable Object). For each
// size it starts the real worker with `wrangler dev` on a fresh state (BENCH_ROUTES=on), streams a
// synthetic shop straight into one site's object through /__bench/ledger (visitors, visits and
// exposures, then orders, then events, the counters and rollups rebuilt after each part, the
// database size read after each), and times the report of the last 30 and 365 days: the ledger's
// partials made into the report by the code the admin metrics route runs
// (`metrics/partials.ts` `reportFromPartial`). Every report is checked against counts made while
// generating the shop, so the bench cannot time an empty or wrong report. Bytes per order and per
// event are the growth of the object's database (`ctx.storage.sql.databaseSize`) when they were
// loaded, divided by their number. The speed goal (30 days under 200 ms at 1,000,000 visitors) is
// reported, not asserted.
//
//   pnpm bench:metrics                                      # 100,000 visitors, 50,000 orders
//   pnpm bench:metrics --visitors 1000000 --orders 500000   # another size
//   pnpm bench:metrics --sizes both                         # 100k/50k, then 1M/500k
//   BENCH_RUNS=9 pnpm bench:metrics
//   BENCH_STATE=/tmp/metrics-state pnpm bench:metrics --visitors 1000000 --orders 500000
//     keeps each size's worker state in that folder, and a later run with the same folder and
//     size times the reports again without loading (a change to the report code, re-timed)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort, startLocalWorker } from '../../../scripts/local-worker.mjs'
import { machineDescription, median, round } from './load.mjs'
import { planShop, SHOP, streamShop } from './synthetic-shop.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const DAY_MS = 86_400_000
const GOAL_MS = 200
/** Rows per JSON text sent to the object: well under SQLite's 2 MB value limit. */
const ROWS_PER_TEXT = 4000
const VISITORS_PER_REQUEST = 1000
const runs = positiveInt(process.env.BENCH_RUNS, 'BENCH_RUNS', 7)

function rangeEndingAt(lastDay, days) {
  const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - (days - 1) * DAY_MS)
    .toISOString()
    .slice(0, 10)
  return { name: `${days} days`, from, to: lastDay }
}
const ranges = [rangeEndingAt(SHOP.lastDay, 30), rangeEndingAt(SHOP.lastDay, 365)]

/**
 * `--visitors N --orders M` for one size (default 100,000 and 50,000, the shop's); `--sizes both`
 * for the default size and ten times it.
 */
function sizesFromArgs(args) {
  const { values } = parseArgs({
    args,
    options: {
      visitors: { type: 'string' },
      orders: { type: 'string' },
      sizes: { type: 'string' },
    },
  })
  const standard = { visitors: SHOP.visitors, orders: SHOP.orders }
  if (values.sizes !== undefined) {
    if (values.sizes !== 'both' || values.visitors !== undefined || values.orders !== undefined) {
      console.error('bench:metrics: --sizes takes "both", without --visitors or --orders')
      process.exit(2)
    }
    return [standard, { visitors: 10 * SHOP.visitors, orders: 10 * SHOP.orders }]
  }
  return [
    {
      visitors:
        values.visitors === undefined
          ? standard.visitors
          : positiveInt(values.visitors, '--visitors'),
      orders:
        values.orders === undefined ? standard.orders : positiveInt(values.orders, '--orders'),
    },
  ]
}

async function main() {
  const loadBefore = os.loadavg()
  const results = []
  let sizes
  try {
    sizes = sizesFromArgs(process.argv.slice(2))
  } catch (error) {
    console.error(`bench:metrics: ${error.message}`)
    process.exit(2)
  }
  for (const size of sizes) results.push(await benchSize(size))
  const report = {
    date: new Date().toISOString(),
    machine: machineDescription(),
    loadAverageBefore: loadBefore.map((n) => round(n, 2)),
    runs,
    goalMs: GOAL_MS,
    sizes: results,
  }
  printReport(report)
  writeFileSync(join(benchDir, 'metrics-last-run.json'), JSON.stringify(report, null, 2) + '\n')
  console.log('\nbench:metrics: written to packages/worker/bench/metrics-last-run.json')
}

async function benchSize({ visitors, orders }) {
  const shape = {
    ...SHOP,
    visitors,
    orders,
    events: Math.round((SHOP.events / SHOP.visitors) * visitors),
  }
  const siteId = `bench-metrics-${visitors}`
  const port = await freePort()
  console.log(
    `\nbench:metrics: ${visitors} visitors, ${orders} orders: starting the worker on port ${port}`,
  )
  // BENCH_STATE: this size's state is kept, and reused when a run finished loading it.
  const stateDir = process.env.BENCH_STATE
    ? join(process.env.BENCH_STATE, `${visitors}-${orders}`)
    : undefined
  const loadedFile = stateDir && join(stateDir, 'loaded.json')
  if (stateDir) mkdirSync(stateDir, { recursive: true })
  const worker = await startLocalWorker({
    persistTo: stateDir,
    port,
    rulesFile: null,
    vars: { BENCH_ROUTES: 'on' },
    quiet: process.env.BENCH_WORKER_LOGS !== 'on',
  })
  const stopOnSignal = async () => {
    await worker.stop()
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  const base = `${worker.url}/__bench/ledger/${siteId}`
  try {
    const { empty, load, generated } =
      loadedFile && existsSync(loadedFile)
        ? JSON.parse(readFileSync(loadedFile, 'utf8'))
        : await loadShop(base, shape)
    if (loadedFile && !existsSync(loadedFile))
      writeFileSync(loadedFile, JSON.stringify({ empty, load, generated }) + '\n')
    const stats = await getJson(`${base}/stats`)
    checkCounts(stats.counts, generated.counts)

    const timings = []
    for (const range of ranges) {
      const expected = generated.expected[range.name]
      const heldOut = Object.keys(expected.offers)
      for (let i = 0; i < 2; i++)
        checkReport(range, (await timed(base, range, heldOut)).body, expected)
      const durations = []
      for (let i = 0; i < runs; i++) {
        const { ms, body } = await timed(base, range, heldOut)
        checkReport(range, body, expected)
        durations.push(ms)
      }
      const sorted = [...durations].sort((a, b) => a - b)
      timings.push({
        ...range,
        minMs: round(sorted[0], 1),
        medianMs: round(median(sorted), 1),
        maxMs: round(sorted.at(-1), 1),
        // The goal (issue 10) is for the 30-day report; the 365-day one is for information.
        goalMet: range === ranges[0] ? median(sorted) < GOAL_MS : null,
        parts: await partTimes(base, range),
        checked: {
          visits: expected.totals.visits,
          orders: expected.totals.orders,
          customers: expected.customers,
        },
      })
      console.log(`  ${range.name}: median ${median(sorted).toFixed(1)} ms`)
    }
    const [, orderPart, eventPart] = load
    return {
      shape: { visitors, orders, events: shape.events, days: shape.days, lastDay: shape.lastDay },
      counts: generated.counts,
      emptyDatabaseBytes: empty,
      load,
      databaseSize: stats.databaseSize,
      bytesPerOrder: round(orderPart.addedBytes / generated.counts.orders, 1),
      bytesPerEvent: round(eventPart.addedBytes / generated.counts.events, 1),
      bytesPerVisitor: round(load[0].addedBytes / generated.counts.visitors, 1),
      ranges: timings,
    }
  } finally {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
    await worker.stop()
  }
}

/**
 * Streams the shop of `shape` into the site's object in three parts, each rebuilt after it, and
 * returns the database size before, what each part added and the generator's counts.
 */
async function loadShop(base, shape) {
  const empty = (await getJson(`${base}/stats`)).databaseSize
  // Three parts, each streamed from the same seed: what they add to the database is measured
  // apart. The counters and rollups are rebuilt after each part, so each part's size includes
  // what it derives (people rows, customer columns of orders, rollups).
  const parts = [
    { name: 'visitors, visits, exposures', tables: ['visitors', 'visits', 'exposures'] },
    { name: 'orders', tables: ['orders'] },
    { name: 'events', tables: ['events'] },
  ]
  const load = []
  const plan = planShop(shape)
  let generated = null
  let sizeBefore = empty
  for (const part of parts) {
    const started = performance.now()
    let sent = 0
    generated = await streamShop(
      shape,
      { visitorsPerChunk: VISITORS_PER_REQUEST, ranges, plan, tables: part.tables },
      async (chunk) => {
        const body = {}
        for (const table of part.tables) body[table] = toTexts(chunk[table])
        await postJson(`${base}/load`, body)
        sent += VISITORS_PER_REQUEST
        if (process.stdout.isTTY) process.stdout.write(`\r  ${part.name}: ${sent} visitors   `)
        else if (sent % 100_000 === 0) console.log(`  ${part.name}: ${sent} visitors`)
      },
    )
    if (process.stdout.isTTY) process.stdout.write('\n')
    const loadedSeconds = (performance.now() - started) / 1000
    const rebuildStarted = performance.now()
    if (part.name !== 'events') {
      let cursor = null
      do cursor = (await postJson(`${base}/rebuild`, { cursor })).cursor
      while (cursor)
    }
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000
    const stats = await getJson(`${base}/stats`)
    load.push({
      part: part.name,
      loadSeconds: round(loadedSeconds, 1),
      rebuildSeconds: round(rebuildSeconds, 1),
      databaseSize: stats.databaseSize,
      addedBytes: stats.databaseSize - sizeBefore,
    })
    sizeBefore = stats.databaseSize
    console.log(
      `  ${part.name}: loaded in ${loadedSeconds.toFixed(1)} s, rebuilt in ${rebuildSeconds.toFixed(1)} s, database ${mb(stats.databaseSize)}`,
    )
  }
  return { empty, load, generated }
}

/** Each part of the report timed inside the object: the median of `runs` calls per part. */
async function partTimes(base, range) {
  const calls = []
  for (let i = 0; i < runs; i++)
    calls.push(await getJson(`${base}/report-parts?from=${range.from}&to=${range.to}`))
  return Object.fromEntries(
    Object.keys(calls[0]).map((name) => [
      name,
      round(median(calls.map((call) => call[name]).sort((a, b) => a - b)), 1),
    ]),
  )
}

/** Row arrays as JSON texts of at most ROWS_PER_TEXT rows each. */
function toTexts(rows) {
  const texts = []
  for (let i = 0; i < rows.length; i += ROWS_PER_TEXT)
    texts.push(JSON.stringify(rows.slice(i, i + ROWS_PER_TEXT)))
  return texts
}

/** One report, timed from request to parsed answer, as the admin route would give it. */
async function timed(base, range, heldOut) {
  const started = performance.now()
  const body = await getJson(
    `${base}/report?from=${range.from}&to=${range.to}&heldOut=${heldOut.join(',')}`,
  )
  return { ms: performance.now() - started, body }
}

/** The object must hold exactly the generated rows. */
function checkCounts(actual, generated) {
  const wrong = ['visitors', 'visits', 'orders', 'events', 'exposures'].filter(
    (table) => actual[table] !== generated[table],
  )
  if (actual.people !== generated.visitors) wrong.push('people')
  if (wrong.length > 0)
    throw new Error(
      `the object does not hold the shop: ${wrong.map((t) => `${t} ${actual[t]} (expected ${generated[t] ?? generated.visitors})`).join(', ')}`,
    )
}

/**
 * The report must say exactly what the generator put in the range: visits, orders, revenue and
 * visitors per segment, converted visits (from the conversion rate), customers, and exposures per
 * offer arm.
 */
function checkReport(range, report, expected) {
  const problems = []
  const same = (path, actual, wanted) => {
    if (actual !== wanted) problems.push(`${path} is ${actual}, expected ${wanted}`)
  }
  for (const [segment, s] of Object.entries(expected.segments)) {
    const actual = report.segments[segment] ?? {}
    same(`${segment}.visitors`, actual.visitors, s.visitors)
    same(`${segment}.visits`, actual.visits, s.visits)
    same(
      `${segment}.convertedVisits`,
      Math.round((actual.conversionRate ?? 0) * actual.visits),
      s.convertedVisits,
    )
    same(`${segment}.orders`, actual.orders, s.orders)
    same(`${segment}.revenueMicros`, Math.round(actual.revenue * 1_000_000), s.revenueMicros)
  }
  same('customers.total', report.customers.total, expected.customers)
  for (const [ruleId, arms] of Object.entries(expected.offers))
    for (const variant of ['treatment', 'control'])
      same(
        `offers.${ruleId}.${variant}.exposed`,
        report.offers.find((offer) => offer.ruleId === ruleId)?.[variant].exposed ?? 0,
        arms[variant],
      )
  if (expected.totals.visits === 0 || expected.totals.orders === 0)
    problems.push('the range holds no visits or orders: nothing worth timing')
  if (problems.length > 0)
    throw new Error(
      `the ${range.name} report (${range.from} to ${range.to}) is wrong: ${problems.join('; ')}`,
    )
}

/**
 * The longest one call may go without a byte of its answer. A rebuild step at 1,000,000 visitors
 * takes seconds (minutes on a busy machine); once, an answer never came and the bench waited 37
 * minutes with workerd idle: past this the run fails and says which call, so it can be rerun.
 */
const CALL_SILENCE_LIMIT_MS = 15 * 60_000

/**
 * JSON over node:http, without the 5-minute wait limit of `fetch` (see CALL_SILENCE_LIMIT_MS).
 */
function requestJson(method, url, body) {
  return new Promise((resolve, reject) => {
    // A connection per request: the worker closes idle kept-alive ones (the shop's generation
    // pauses between requests), and reusing a closed one fails with "socket hang up".
    const request = http.request(url, { method, agent: false }, (response) => {
      const parts = []
      response.on('data', (part) => parts.push(part))
      response.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        if (response.statusCode !== 200)
          reject(
            new Error(`${method} ${url} answered ${response.statusCode} ${text.slice(0, 300)}`),
          )
        else resolve(JSON.parse(text))
      })
      response.on('error', reject)
    })
    request.setTimeout(CALL_SILENCE_LIMIT_MS, () =>
      request.destroy(
        new Error(`${method} ${url} got no answer in ${CALL_SILENCE_LIMIT_MS / 60_000} minutes`),
      ),
    )
    request.on('error', reject)
    request.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const postJson = (url, body) => requestJson('POST', url, body)
const getJson = (url) => requestJson('GET', url)

function printReport(report) {
  console.log(
    `\n${report.machine} (load average before: ${report.loadAverageBefore.join(' ')}), ${report.runs} timed runs per range`,
  )
  for (const size of report.sizes) {
    const c = size.counts
    console.log(
      `\n${c.visitors} visitors, ${c.visits} visits, ${c.orders} orders, ${c.events} events, ${c.exposures} exposures (${size.shape.days} days to ${size.shape.lastDay})`,
    )
    for (const part of size.load)
      console.log(
        `  load ${part.part}: ${part.loadSeconds} s, rebuild ${part.rebuildSeconds} s, +${mb(part.addedBytes)}`,
      )
    console.log(
      `  database ${mb(size.databaseSize)}: ${size.bytesPerEvent} bytes per event, ${size.bytesPerOrder} bytes per order, ${size.bytesPerVisitor} bytes per visitor (with its visits and exposures)`,
    )
    printTable(
      ['range', 'from', 'to', 'min ms', 'median ms', 'max ms', `30 days < ${GOAL_MS} ms`],
      size.ranges.map((r) => [
        r.name,
        r.from,
        r.to,
        r.minMs.toFixed(1),
        r.medianMs.toFixed(1),
        r.maxMs.toFixed(1),
        r.goalMet === null ? '-' : r.goalMet ? 'met' : 'MISSED',
      ]),
    )
    for (const r of size.ranges)
      console.log(
        `  ${r.name}, median ms per part inside the object: ${Object.entries(r.parts)
          .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
          .join(', ')}`,
      )
  }
}

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  console.log('  ' + line(header).trimEnd())
  for (const row of rows) console.log('  ' + line(row).trimEnd())
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function positiveInt(raw, name, fallback) {
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback
    console.error(`bench:metrics: ${name} needs a value`)
    process.exit(2)
  }
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench:metrics: ${name} must be a positive integer, got "${raw}"`)
    process.exit(2)
  }
  return value
}

main().catch((error) => {
  console.error(`bench:metrics: ${error.message}`)
  process.exitCode = 1
})

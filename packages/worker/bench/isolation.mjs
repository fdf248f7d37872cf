// The isolation scenario of `pnpm bench`: does a site flooded at its limits slow another site down?
// On a worker of its own, the bench seeds two sites: A (a 50-row daily write quota) and B (the demo
// rules). It measures B's decide at a steady rate below B's own limits (spread over many visitors),
// first alone, then while A is flooded: many connections sending events and decide at five times
// A's per-site rate limit, so most of A's requests are refused (429 rate_limited, and
// quota_exceeded once its quota is used). B's p50 loaded / alone is the figure; the goal is at
// most 1.5. Any non-2xx answer to B fails the run: B must never pay for A. The flood runs in a
// process of its own (isolation-flood.mjs), as an attacker's would (see `startFlood`).
//
// The per-site limit is scaled down for this worker (RATE_LIMIT_SITE 200 per 10 s instead of
// 1,000): one local workerd on a shared machine answers a few hundred requests a second, so at the
// real limit a flood could not get over it here; at 200 it is over it on any machine, as a flood
// is in production.
import { createHash } from 'node:crypto'
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { executeLocalSql, freePort, startLocalWorker } from '../../../scripts/local-worker.mjs'
import { loadWithLatencies, round } from './load.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))

/** B's loaded p50 over its unloaded p50 at or below this is the goal (issue 10). */
export const ISOLATION_GOAL = 1.5
/** RATE_LIMIT_SITE of the scenario's worker, per 10 s (see above). */
export const ISOLATION_SITE_LIMIT = 200
/** Site A's daily write quota: its allowed events use it up within seconds. */
const FLOODED_QUOTA = 50
/** A's flood: requests/s over all connections, five times its limit of 20 a second. */
const FLOOD_RATE = 5 * (ISOLATION_SITE_LIMIT / 10)
/** B's steady rate (requests/s): half its limit of 20 a second. */
const QUIET_RATE = 10
const QUIET_CONNECTIONS = 4
/** B's visitors: each sees about 1 request a minute, far under RATE_LIMIT_VISITOR's 120. */
const QUIET_VISITORS = 500

const FLOODED = {
  id: 'site_bench_flooded',
  publicKey: 'pk_bench_flooded',
  secretKey: 'sk_bench_flooded',
}
const QUIET = { id: 'site_bench_quiet', publicKey: 'pk_bench_quiet', secretKey: 'sk_bench_quiet' }

function siteSql(site, name, quota) {
  const hash = createHash('sha256').update(site.secretKey).digest('hex')
  return `INSERT INTO sites (id, name, public_key, secret_key_hash, code_secret, allowed_origins, currency,
    lapse_days, time_zone, created_at, daily_write_quota)
  VALUES ('${site.id}', '${name}', '${site.publicKey}', '${hash}', 'bench-code-secret-${site.id}', '[]', 'USD', 90,
    'UTC', 0, ${quota === null ? 'NULL' : quota});`
}

/** Inserts the two sites into the worker's local D1 and publishes the demo rules for B. */
async function seedSites(worker, rulesFile) {
  await executeLocalSql(
    worker.persistTo,
    `${siteSql(FLOODED, 'Flooded shop', FLOODED_QUOTA)}\n${siteSql(QUIET, 'Quiet shop', null)}`,
  )
  const response = await fetch(`${worker.url}/v1/admin/rules`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${QUIET.secretKey}`, 'content-type': 'application/json' },
    body: readFileSync(rulesFile, 'utf8'),
  })
  if (!response.ok) throw new Error(`publishing rules for site B failed: ${await response.text()}`)
}

let counter = 0

function quietDecide() {
  const n = counter++
  const visitorId = `quiet-${n % QUIET_VISITORS}`
  return JSON.stringify({
    site: QUIET.publicKey,
    visitorId,
    visitId: `${visitorId}-v`,
    slots: ['hero', 'banner'],
    context: { url: 'http://localhost/' },
  })
}

/** B's decide at its steady rate for `seconds`; latencies of 2xx answers at full precision. */
async function measureQuiet(url, seconds) {
  const { result, requestsPerSecond, p50, p99 } = await loadWithLatencies({
    url: `${url}/v1/decide`,
    connections: QUIET_CONNECTIONS,
    overallRate: QUIET_RATE,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => ({ ...request, body: quietDecide() }),
      },
    ],
  })
  return {
    requests: result.requests.total,
    requestsPerSecond,
    p50,
    p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

/**
 * A's flood, in a process of its own (isolation-flood.mjs), as an attacker's would be on another
 * machine: a load generator in the same process as B's client delays B's answers in the client's
 * own event loop (measured: B's p50 2.5 times its unloaded value with the flood in-process, 0.9
 * with it outside, the worker unchanged), which says nothing about the worker. The two processes
 * still share the machine's cores with workerd. Resolves to the flood's figures.
 */
function startFlood(url, connections, seconds) {
  const child = fork(join(benchDir, 'isolation-flood.mjs'), [], { stdio: 'inherit' })
  child.send({ url, connections, seconds, rate: FLOOD_RATE, publicKey: FLOODED.publicKey })
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the flood's process exited with ${code}`))
    })
  })
}

/**
 * Runs the scenario on a worker of its own (real rate limits) and returns its figures.
 * @example const isolation = await runIsolation({ seconds: 10, connections: 20, rulesFile, quiet: true })
 */
export async function runIsolation({ seconds, connections, rulesFile, quiet }) {
  const port = await freePort()
  console.log(
    `\nbench: isolation: a worker on port ${port} with RATE_LIMIT_SITE ${ISOLATION_SITE_LIMIT} per 10 s; site A (quota ${FLOODED_QUOTA}/day) flooded at ${FLOOD_RATE} req/s by ${connections} connections, site B's decide at ${QUIET_RATE} req/s`,
  )
  const worker = await startLocalWorker({
    port,
    rulesFile: null,
    rateLimits: { RATE_LIMIT_SITE: ISOLATION_SITE_LIMIT },
    quiet,
  })
  const stopOnSignal = async () => {
    await worker.stop()
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    await seedSites(worker, rulesFile)
    const check = await fetch(`${worker.url}/v1/decide`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: quietDecide(),
    })
    const body = await check.json()
    if (!check.ok || !('hero' in (body.decisions ?? {})))
      throw new Error(
        `site B's decide answered ${check.status} ${JSON.stringify(body).slice(0, 300)}`,
      )
    await measureQuiet(worker.url, Math.min(2, seconds)) // warm-up, discarded
    const unloaded = await measureQuiet(worker.url, seconds)
    console.log(`  B alone: p50 ${unloaded.p50.toFixed(2)} ms`)
    // The flood starts a second early and ends after, so B is measured under it throughout.
    const flood = startFlood(worker.url, connections, seconds + 2)
    await new Promise((done) => setTimeout(done, 1000))
    const loaded = await measureQuiet(worker.url, seconds)
    const flooded = await flood
    console.log(`  B while A floods: p50 ${loaded.p50.toFixed(2)} ms`)
    const ratio = loaded.p50 / unloaded.p50
    return {
      siteLimitPer10s: ISOLATION_SITE_LIMIT,
      floodConnections: connections,
      floodRate: FLOOD_RATE,
      floodedQuota: FLOODED_QUOTA,
      quietRate: QUIET_RATE,
      unloaded: rounded(unloaded),
      loaded: rounded(loaded),
      flood: { ...flooded, requestsPerSecond: round(flooded.requestsPerSecond, 1) },
      p50Ratio: { value: round(ratio, 3), goal: ISOLATION_GOAL, met: ratio <= ISOLATION_GOAL },
    }
  } finally {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
    await worker.stop()
  }
}

/**
 * Prints the scenario's table and verdict.
 * @example printIsolation(report.isolation)
 */
export function printIsolation(isolation) {
  const row = (name, r) =>
    `${name.padEnd(18)} ${r.requestsPerSecond.toFixed(0).padStart(5)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${String(r.non2xx).padStart(7)}`
  console.log(
    `\nisolation: site B's decide at ${isolation.quietRate} req/s, alone and while site A is flooded`,
  )
  console.log(`${'site B'.padEnd(18)} req/s   p50 ms   p99 ms  non-2xx`)
  console.log(row('alone', isolation.unloaded))
  console.log(row('A flooding', isolation.loaded))
  const statuses = Object.entries(isolation.flood.statuses)
    .map(([status, count]) => `${count} × ${status}`)
    .join(', ')
  console.log(
    `site A's flood: ${isolation.flood.requestsPerSecond.toFixed(0)} req/s over ${isolation.floodConnections} connections, limit ${isolation.siteLimitPer10s} per 10 s, quota ${isolation.floodedQuota} (${statuses})`,
  )
  const { value, goal, met } = isolation.p50Ratio
  console.log(
    `B p50 loaded / alone  ${value.toFixed(2)}  (goal <= ${goal.toFixed(2)}: ${met ? 'goal met' : 'goal MISSED'})`,
  )
}

function rounded(r) {
  return {
    ...r,
    requestsPerSecond: round(r.requestsPerSecond, 1),
    p50: round(r.p50, 2),
    p99: round(r.p99, 2),
  }
}

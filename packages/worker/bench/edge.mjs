// `pnpm bench:edge` (also run at the end of `pnpm bench`): the edge against a plain pass-through
// proxy of the same origin page, both in the same real worker (wrangler dev) on a fresh local
// state, loaded from this process with autocannon one after the other. The origin is the demo
// shop (examples/server.mjs, its home page, `no-store`: every request reaches it through either
// route). The edge's requests carry the edge hostname as Host, straight to the worker's port, so
// both routes pay the same network path. Goal: edge ≥ 0.8 × the proxy's throughput.
import { writeFileSync } from 'node:fs'
import { get, request as httpRequest } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startShop } from '../../../examples/server.mjs'
import { writeEdgeConfig } from '../../../scripts/local-edge.mjs'
import { freePort, startLocalWorker } from '../../../scripts/local-worker.mjs'
import { loadWithLatencies, percentile, positiveEnvInt, round } from './load.mjs'
import { addCpu, cpuSnapshot } from './process-cpu.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const EDGE_GOAL = 0.8
/** Alternating turns per route (see runEdgeBench). */
const ROUNDS = 5
const EDGE_HOST = 'shop.bench.test'
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/**
 * Runs the edge scenario and prints (and returns) its figures.
 * @example await runEdgeBench({ seconds: 10, connections: 10 })
 */
export async function runEdgeBench({
  seconds = positiveEnvInt('BENCH_SECONDS', 10),
  connections = positiveEnvInt('BENCH_CONNECTIONS', 10),
} = {}) {
  const warmupSeconds = Math.min(2, seconds)
  const shop = await startShop({ port: 0, workerUrl: 'http://127.0.0.1:1' })
  const worker = await startLocalWorker({
    port: await freePort(),
    vars: { BENCH_ROUTES: 'on', BENCH_ORIGIN: shop.url },
    // One visitor sends hundreds of page views a second here: the limiters are called, never refuse.
    rateLimits: { RATE_LIMIT_VISITOR: 1e9, RATE_LIMIT_SITE: 1e9 },
    quiet: process.env.BENCH_WORKER_LOGS !== 'on',
  })
  try {
    await writeEdgeConfig({
      persistTo: worker.persistTo,
      site: 'pk_demo',
      origin: shop.url,
      hostname: EDGE_HOST,
    })
    const routes = [
      {
        name: 'proxy',
        path: '/__bench/proxy',
        headers: { accept: 'text/html', 'user-agent': CHROME },
        check: (text) => text.includes('data-stammis-slot="hero">Good coffee, delivered.<'),
      },
      {
        name: 'edge',
        path: '/',
        // A known visitor in a visit the edge already knows (and, below, its token): one decision
        // per page, no cookie to set.
        headers: {
          host: EDGE_HOST,
          accept: 'text/html',
          'user-agent': CHROME,
          cookie: 'stm_v=bench-edge-visitor; stm_s=bench-edge-visit',
        },
        check: (text) =>
          text.includes('data-stammis-filled="hero-new-visitors">New here?') &&
          text.includes('src="/__stammis/edge.js"'),
      },
    ]
    console.log(
      `bench:edge: ${seconds} s per route in ${ROUNDS} alternating turns (+${warmupSeconds} s warm-up), ${connections} connections`,
    )
    // A browser's later page views carry the profile token the edge set on its first one (the
    // stm_p cookie), so the edge decides from the token, as it does for any returning page view.
    const edgeRoute = routes[1]
    const token = await firstPageToken(worker.url + edgeRoute.path, edgeRoute.headers)
    if (!token) throw new Error('bench:edge: the edge set no stm_p cookie on a first page view')
    edgeRoute.headers.cookie += `; stm_p=${token}`
    for (const route of routes) {
      await preflight(worker.url, route)
      await load(worker.url, route, warmupSeconds, connections)
    }
    // The two routes take turns, ROUNDS times, each `seconds / ROUNDS` a turn: whatever else the
    // machine does during the scenario falls on both alike (one 10 s run after the other put any
    // drift on one of them: 0.72 to 0.86 in full runs of the same code).
    // Per route: its turns, and the CPU per process during them (where the edge's extra cost goes).
    const runs = routes.map(() => ({ turns: [], cpuMs: {} }))
    const port = Number(new URL(worker.url).port)
    for (let round = 0; round < ROUNDS; round++)
      for (const [i, route] of routes.entries()) {
        const before = cpuSnapshot(worker.pid, port)
        runs[i].turns.push(await load(worker.url, route, seconds / ROUNDS, connections))
        addCpu(runs[i].cpuMs, before, cpuSnapshot(worker.pid, port))
      }
    const results = routes.map((route, i) => combined(route, runs[i]))
    const [proxy, edge] = results
    const ratio = round(edge.requestsPerSecond / proxy.requestsPerSecond, 3)
    const report = {
      date: new Date().toISOString(),
      seconds,
      rounds: ROUNDS,
      connections,
      routes: results,
      edgeOverProxy: { value: ratio, goal: EDGE_GOAL, met: ratio >= EDGE_GOAL },
    }
    console.log('\nroute            req/s  p50 ms  p99 ms  non-2xx  errors  filled/valid')
    for (const r of results)
      console.log(
        `${r.route.padEnd(14)} ${r.requestsPerSecond.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${String(r.non2xx).padStart(8)} ${String(r.errors + r.timeouts).padStart(7)}  ${(r.passedCheck * 100).toFixed(1).padStart(11)}%`,
      )
    printCpu(results)
    console.log(
      `\nedge / proxy   ${ratio.toFixed(2)}  (goal >= ${EDGE_GOAL.toFixed(2)}: ${ratio >= EDGE_GOAL ? 'goal met' : 'goal MISSED'})`,
    )
    writeFileSync(join(benchDir, 'last-edge-run.json'), JSON.stringify(report, null, 2) + '\n')
    if (results.some((r) => r.errors + r.timeouts + r.non2xx > 0)) {
      console.error('bench:edge: FAILED, errors or non-2xx answers')
      process.exitCode = 1
    }
    return report
  } finally {
    await worker.stop()
    await shop.stop()
  }
}

/** One request first: the load must measure the real page (filled for the edge), not an error. */
async function preflight(url, route) {
  // node:http, not fetch: fetch does not let a request name its own Host.
  const { status, text } = await new Promise((resolve, reject) => {
    get(url + route.path, { headers: route.headers }, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode, text: body }))
    }).on('error', reject)
  })
  if (status !== 200 || !route.check(text))
    throw new Error(`${route.name} answered ${status} ${text.slice(0, 400)}`)
}

async function load(url, route, duration, connections) {
  // Pages whose answer passed the route's check (for the edge: the hero filled, not left to its
  // default because the decision missed the bounded wait).
  let checked = 0
  const { result, latencies } = await loadWithLatencies({
    url: url + route.path,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        headers: route.headers,
        onResponse: (status, body) => {
          if (status === 200 && route.check(String(body))) checked++
        },
      },
    ],
  })
  return { result, latencies, checked }
}

/** CPU µs per request by process (and in all), from a route's CPU ms and its requests. */
function perRequest(cpuMs, requests) {
  const labels = Object.keys(cpuMs)
  if (labels.length === 0 || requests === 0) return undefined
  const byLabel = Object.fromEntries(
    labels.map((label) => [label, Math.round((cpuMs[label] * 1000) / requests)]),
  )
  return { ...byLabel, total: Object.values(byLabel).reduce((sum, us) => sum + us, 0) }
}

/** The CPU table: per request, by process (Linux only; nothing elsewhere). */
function printCpu(results) {
  if (!results.every((r) => r.cpuPerRequestUs)) return
  const labels = ['bench', 'wrangler', 'wrangler proxy', 'worker', 'total']
  console.log(`\nCPU µs per request  ${labels.map((label) => label.padStart(15)).join('')}`)
  for (const r of results)
    console.log(
      `${r.route.padEnd(19)} ${labels.map((label) => String(r.cpuPerRequestUs[label] ?? 0).padStart(15)).join('')}`,
    )
}

/** A route's turns as one run: requests over the summed durations, latencies pooled, CPU per request. */
function combined(route, { turns, cpuMs }) {
  const sum = (pick) => turns.reduce((total, turn) => total + pick(turn), 0)
  const requests = sum((turn) => turn.result.requests.total)
  const latencies = turns.flatMap((turn) => turn.latencies).sort((a, b) => a - b)
  return {
    route: route.name,
    path: route.path,
    requestsPerSecond: round(requests / sum((turn) => turn.result.duration), 1),
    p50: round(percentile(latencies, 0.5), 2),
    p99: round(percentile(latencies, 0.99), 2),
    passedCheck: round(sum((turn) => turn.checked) / Math.max(1, requests), 3),
    non2xx: sum((turn) => turn.result.non2xx),
    errors: sum((turn) => turn.result.errors),
    timeouts: sum((turn) => turn.result.timeouts),
    cpuPerRequestUs: perRequest(cpuMs, requests),
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runEdgeBench()

/** The profile token the edge sets (`stm_p`) on a page view: node:http, which keeps the Host header. */
function firstPageToken(url, headers) {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      response.resume()
      response.on('end', () => {
        const cookies = response.headers['set-cookie'] ?? []
        resolve(cookies.map((cookie) => /^stm_p=([^;]+)/.exec(cookie)?.[1]).find(Boolean))
      })
    })
    request.on('error', reject)
    request.end()
  })
}

// `pnpm bench:token` (also run by `pnpm bench` after its four routes): decide with a valid profile
// token, which answers without any storage call, against the trivial reference route and against
// decide without a token (one ledger call); then, on a worker whose ledger call is delayed by a
// fixed simulated storage round trip (BENCH_STORAGE_DELAY_MS, a bench-only var), decide's p50 with
// a token and without. Speed goals are reported, not asserted; errors and non-2xx answers are.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startLocalWorker } from '../../../scripts/local-worker.mjs'
import { loadWithLatencies, positiveEnvInt, round } from './load.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
/** decide with a token / noop at or above this is issue 11's goal. */
export const TOKEN_DECIDE_GOAL = 0.8
/** The simulated storage round trip of the second scenario: a far region's, in milliseconds. */
export const STORAGE_DELAY_MS = 80

const VISITOR = 'bench-token-visitor'

/**
 * Runs both token scenarios, each on a worker of its own (started and stopped here), and prints
 * and writes (bench/last-token-run.json) the figures.
 * @example await runTokenBench({ seconds: 10, connections: 10 })
 */
export async function runTokenBench({ seconds, connections }) {
  const warmupSeconds = Math.min(2, seconds)
  console.log(
    `\nbench:token: ${seconds} s per route (+${warmupSeconds} s warm-up), ${connections} connections`,
  )

  const plain = await withWorker({}, async (url) => {
    const token = await buyAndGetToken(url)
    const routes = [
      { name: 'noop', path: '/__bench/noop', body: () => '{}', check: (b) => b.ok === true },
      decideRoute('decide (no token)', null),
      decideRoute('decide (token)', token),
    ]
    return measure(url, routes, seconds, warmupSeconds, connections)
  })
  const delayed = await withWorker(
    { BENCH_STORAGE_DELAY_MS: String(STORAGE_DELAY_MS) },
    async (url) => {
      const token = await buyAndGetToken(url)
      return measure(
        url,
        [decideRoute('decide (no token)', null), decideRoute('decide (token)', token)],
        seconds,
        warmupSeconds,
        connections,
      )
    },
  )

  const by = (results, name) => results.find((r) => r.route === name)
  const ratio = round(
    by(plain, 'decide (token)').requestsPerSecond / by(plain, 'noop').requestsPerSecond,
    3,
  )
  const report = {
    date: new Date().toISOString(),
    seconds,
    warmupSeconds,
    connections,
    plain,
    delayed: { storageDelayMs: STORAGE_DELAY_MS, routes: delayed },
    ratios: {
      tokenDecideOverNoop: {
        value: ratio,
        goal: TOKEN_DECIDE_GOAL,
        met: ratio >= TOKEN_DECIDE_GOAL,
      },
    },
  }
  printTable('no added delay', plain)
  console.log(
    `\ndecide (token) / noop   ${ratio.toFixed(2)}  (goal >= ${TOKEN_DECIDE_GOAL.toFixed(2)}: ${ratio >= TOKEN_DECIDE_GOAL ? 'goal met' : 'goal MISSED'})`,
  )
  printTable(`storage round trip simulated: BENCH_STORAGE_DELAY_MS=${STORAGE_DELAY_MS}`, delayed)
  console.log(
    `\ndecide p50 with ${STORAGE_DELAY_MS} ms storage: ${by(delayed, 'decide (token)').p50.toFixed(2)} ms with a token, ${by(delayed, 'decide (no token)').p50.toFixed(2)} ms without`,
  )
  writeFileSync(join(benchDir, 'last-token-run.json'), JSON.stringify(report, null, 2) + '\n')
  console.log(`bench:token: written to packages/worker/bench/last-token-run.json`)

  const failed = [...plain, ...delayed].filter((r) => r.errors + r.timeouts + r.non2xx > 0)
  if (failed.length > 0) {
    throw new Error(`errors or non-2xx answers on: ${failed.map((r) => r.route).join(', ')}`)
  }
  return report
}

async function withWorker(vars, work) {
  const port = await freePort()
  const worker = await startLocalWorker({
    port,
    vars: { BENCH_ROUTES: 'on', ...vars },
    // One visitor gets hundreds of requests a second here: limiters called, never refusing.
    rateLimits: { RATE_LIMIT_VISITOR: 1e9, RATE_LIMIT_SITE: 1e9 },
    quiet: process.env.BENCH_WORKER_LOGS !== 'on',
  })
  try {
    return await work(worker.url)
  } finally {
    await worker.stop()
  }
}

/** The bench visitor buys in two visits (a repeat customer); the second events answer's token. */
async function buyAndGetToken(url) {
  let token
  for (const visit of ['t1', 't2']) {
    const answer = await post(url, '/v1/events', {
      site: 'pk_demo',
      visitorId: VISITOR,
      visitId: visit,
      events: [
        { id: `${visit}-visit`, type: 'visit' },
        {
          id: `${visit}-buy`,
          type: 'purchase',
          orderId: `token-${visit}`,
          revenue: 30,
          currency: 'USD',
        },
      ],
    })
    token = answer.profileToken
  }
  if (!token) throw new Error('the events answer carried no profileToken')
  return token
}

function decideRoute(name, token) {
  const body = JSON.stringify({
    site: 'pk_demo',
    visitorId: VISITOR,
    visitId: 't3',
    slots: ['hero', 'banner'],
    context: { url: 'http://localhost/' },
    ...(token ? { profileToken: token } : {}),
  })
  return {
    name,
    path: '/v1/decide',
    body: () => body,
    // With a token, the answer hands back the very token (a storage read would issue a new one):
    // proof that the scenario measures the token path.
    check: (b) =>
      b.profile?.segment === 'repeat' &&
      'hero' in (b.decisions ?? {}) &&
      (!token || b.profileToken === token),
  }
}

async function measure(url, routes, seconds, warmupSeconds, connections) {
  const results = []
  for (const route of routes) {
    const answer = await post(url, route.path, JSON.parse(route.body()))
    if (!route.check(answer))
      throw new Error(`${route.name}: unexpected answer ${JSON.stringify(answer).slice(0, 300)}`)
    await load(url, route, warmupSeconds, connections)
    const result = await load(url, route, seconds, connections)
    console.log(
      `  ${route.name.padEnd(18)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s`,
    )
    results.push(result)
  }
  return results
}

async function post(url, path, body) {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${path} answered ${response.status} ${text.slice(0, 300)}`)
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${path} answered ${response.status} with no JSON: ${text.slice(0, 500)}`)
  }
}

async function load(url, route, duration, connections) {
  const { result, requestsPerSecond, p50, p99 } = await loadWithLatencies({
    url: url + route.path,
    connections,
    duration,
    requests: [{ method: 'POST', headers: { 'content-type': 'text/plain' }, body: route.body() }],
  })
  return {
    route: route.name,
    requests: result.requests.total,
    requestsPerSecond: round(requestsPerSecond, 1),
    p50: round(p50, 2),
    p99: round(p99, 2),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

function printTable(title, results) {
  console.log(`\n${title}`)
  console.log('route               req/s  p50 ms  p99 ms  non-2xx  errors')
  for (const r of results) {
    console.log(
      `${r.route.padEnd(18)} ${r.requestsPerSecond.toFixed(0).padStart(6)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${String(r.non2xx).padStart(8)} ${String(r.errors + r.timeouts).padStart(7)}`,
    )
  }
}

// Run on its own: `node bench/token.mjs` (`pnpm bench:token`), with BENCH_SECONDS and BENCH_CONNECTIONS.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = positiveEnvInt('BENCH_SECONDS', 10)
  const connections = positiveEnvInt('BENCH_CONNECTIONS', 10)
  runTokenBench({ seconds, connections }).catch((error) => {
    console.error(`bench:token: ${error.message}`)
    process.exitCode = 1
  })
}

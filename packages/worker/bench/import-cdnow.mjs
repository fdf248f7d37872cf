// `pnpm bench:import`: imports the 69,659 orders of the CDNOW data set with `stammis import
// --preset cdnow` into a fresh local worker, timed end to end (CLI start to summary), and checks
// the summary and a few customers' profiles against a direct computation from the file.
// Goal: under 60 s. Writes bench/import-last-run.json.
// IMPORT_BENCH_ENDPOINT=http://127.0.0.1:8912 uses a worker already running there instead (it must
// have the demo site and no orders yet), e.g. a patched copy when trying out a change.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'
import {
  cdnowCustomers,
  classify,
  createIdentitySecret,
  profileAfterIdentify,
} from './import-check.mjs'

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const file = resolve(workerDir, 'test/fixtures/cdnow/CDNOW_master.txt')
const GOAL_SECONDS = 60

if (!existsSync(file)) {
  console.error(`bench:import needs ${file} (the CDNOW data set)`)
  process.exit(2)
}

const external = process.env.IMPORT_BENCH_ENDPOINT
const worker = external
  ? { url: external, external: true }
  : await startLocalWorker({ port: await freePort(), rulesFile: null })
try {
  console.log(`Worker up at ${worker.url}; importing ${file} ...`)
  const started = performance.now()
  const { stdout, stderr } = await runCli(['import', file, '--preset', 'cdnow'], worker.url)
  const seconds = (performance.now() - started) / 1000
  process.stderr.write(stderr)
  console.log(stdout)

  const count = (label) =>
    Number(new RegExp(`^  ${label}\\s+([\\d,]+)`, 'm').exec(stdout)?.[1]?.replaceAll(',', ''))
  assert.equal(count('imported'), 69_659, 'the summary says 69,659 imported')
  assert.equal(count('rejected'), 0, 'the summary says 0 rejected')

  // A few customers, checked against the file: the most orders, two orders on one day, one order.
  const customers = await cdnowCustomers(file)
  const byOrders = [...customers.values()].sort(
    (a, b) => b.orders - a.orders || a.id.localeCompare(b.id),
  )
  const sameDay = [...customers.values()].find((c) => c.orders > c.days.size && c.days.size > 1)
  const picks = [
    byOrders[0],
    byOrders[1],
    sameDay,
    customers.get('00001'),
    customers.get('00002'),
    byOrders.at(-1),
    byOrders[Math.floor(byOrders.length / 2)],
  ]
  const identitySecret = await createIdentitySecret(worker.url)
  for (const expected of new Set(picks)) {
    const profile = await profileAfterIdentify(worker.url, expected.id, identitySecret)
    assert.deepEqual(
      {
        orders: profile.orders,
        purchaseVisits: profile.purchaseVisits,
        revenue: profile.revenue,
        segment: profile.segment,
      },
      {
        orders: expected.orders,
        purchaseVisits: expected.days.size,
        revenue: expected.revenue,
        segment: classify(expected.days.size),
      },
      `customer ${expected.id}`,
    )
  }
  console.log(`Checked ${new Set(picks).size} customers' profiles against the file.`)

  const result = {
    date: new Date().toISOString(),
    worker: external ? `IMPORT_BENCH_ENDPOINT (${external})` : 'fresh local worker',
    cpus: cpus().length,
    node: process.version,
    orders: 69_659,
    seconds: Number(seconds.toFixed(1)),
    goalSeconds: GOAL_SECONDS,
  }
  writeFileSync(
    join(workerDir, 'bench/import-last-run.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  )
  console.log(
    `CDNOW import: 69,659 orders in ${seconds.toFixed(1)} s (${Math.round(69_659 / seconds).toLocaleString('en-US')} orders/s); goal under ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? 'met' : 'MISSED'}`,
  )
  if (seconds >= GOAL_SECONDS) process.exitCode = 1
} finally {
  if (!worker.external) {
    await worker.stop()
    rmSync(worker.persistTo, { recursive: true, force: true })
  }
}

function runCli(args, endpoint) {
  const env = { ...process.env, STAMMIS_ENDPOINT: endpoint, STAMMIS_SECRET_KEY: 'sk_demo' }
  return new Promise((done, fail) => {
    execFile(
      join(workerDir, 'node_modules/.bin/tsx'),
      ['cli/stammis.ts', ...args],
      { cwd: workerDir, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          return fail(
            new Error(`stammis ${args.join(' ')} failed (${error.code}):\n${stdout}\n${stderr}`),
          )
        done({ stdout, stderr })
      },
    )
  })
}

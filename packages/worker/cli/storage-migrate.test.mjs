// `stammis storage migrate` for real: wrangler applies the migrations to a temporary local state,
// two sites are created there with `site create`, their history is written into D1's old history
// tables with raw SQL (the rows the worker stored before the ledger), a real worker (`wrangler
// dev`) runs on that state, and the command copies and verifies, twice. Run with
// `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { tsImport } from 'tsx/esm/api'
import { freePort, LOCAL_OPS_TOKEN, startLocalWorker } from '../../../scripts/local-worker.mjs'

const run = promisify(execFile)
const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(workerDir, 'node_modules/.bin', name)
const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_D1_WARNING: 'true' }
delete env.STAMMIS_ENDPOINT
delete env.STAMMIS_OPS_TOKEN

async function stammis(args, extraEnv = {}) {
  try {
    const { stdout, stderr } = await run(bin('tsx'), ['cli/stammis.ts', ...args], {
      cwd: workerDir,
      env: { ...env, ...extraEnv },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    if (typeof error.code !== 'number') throw error
    return { code: error.code, stdout: error.stdout, stderr: error.stderr }
  }
}

const DAY = 86_400_000
const START = Date.parse('2026-05-04T09:00:00Z')

/**
 * The old writer's rows for a site with `visitors` visitors: two visits each (a day apart), three
 * events per visit, an order in the second visit of every other visitor (its purchase event among
 * the three), an exposure each, and one redemption, webhook delivery and bot-count day. Each
 * visitor row carries its counters, as the old schema kept them.
 */
function oldHistorySql(siteId, visitors) {
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${visitors - 1})`
  const visitor = `'v-' || printf('%05d', i)`
  const buys = 'i % 2 = 0'
  const at = (visit) => `${START} + i * 60000 + ${visit} * ${DAY}`
  const day = (visit) => `strftime('%Y-%m-%d', (${at(visit)}) / 1000, 'unixepoch')`
  return `
${numbers} INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, visits, orders, purchase_visits,
  revenue_micros, last_purchase_at, person_id)
  SELECT '${siteId}', ${visitor}, ${at(0)}, ${at(1)}, 2, CASE WHEN ${buys} THEN 1 ELSE 0 END,
    CASE WHEN ${buys} THEN 1 ELSE 0 END, CASE WHEN ${buys} THEN 25000000 ELSE 0 END,
    CASE WHEN ${buys} THEN ${at(1)} ELSE NULL END, ${visitor} FROM n;
${numbers}, visit(k) AS (VALUES (0), (1))
  INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, url, day)
  SELECT '${siteId}', ${visitor}, ${visitor} || '-s' || k, ${START} + i * 60000 + k * ${DAY}, 'shopper',
    'https://shop.example/', strftime('%Y-%m-%d', (${START} + i * 60000 + k * ${DAY}) / 1000, 'unixepoch')
  FROM n, visit;
${numbers} INSERT INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day,
  discount_micros)
  SELECT '${siteId}', 'o-' || i, 'e-' || i || '-1-2', ${visitor}, ${visitor} || '-s1', 25000000, 'USD', ${at(1)}, ${day(1)}, 0
  FROM n WHERE ${buys};
UPDATE visits SET has_purchase = 1
  WHERE site_id = '${siteId}' AND visit_id LIKE '%-s1' AND (CAST(substr(visitor_id, 3) AS INTEGER) % 2) = 0;
${numbers}, visit(k) AS (VALUES (0), (1)), nth(j) AS (VALUES (0), (1), (2))
  INSERT INTO events (site_id, event_id, visitor_id, visit_id, type, received_at, data)
  SELECT '${siteId}', 'e-' || i || '-' || k || '-' || j, ${visitor}, ${visitor} || '-s' || k,
    CASE WHEN k = 1 AND j = 2 AND ${buys} THEN 'purchase' WHEN j = 0 THEN 'visit' ELSE 'pageview' END,
    ${START} + i * 60000 + k * ${DAY} + j * 1000, '{}'
  FROM n, visit, nth;
${numbers} INSERT INTO exposures (site_id, rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id,
  last_exposed_at, last_visit_id, visits_exposed)
  SELECT '${siteId}', 'hero-offer', ${visitor}, CASE WHEN i % 10 = 0 THEN 'control' ELSE 'treatment' END, 1,
    ${at(0)}, ${visitor} || '-s0', ${at(1)}, ${visitor} || '-s1', 2 FROM n;
INSERT INTO offer_redemptions (site_id, code, holder, rule_id, order_id, redeemed_at)
  VALUES ('${siteId}', 'SPRING5', 'visitor:v-00000', 'hero-offer', 'o-0', ${START + DAY});
INSERT INTO webhook_deliveries (site_id, signature, received_at) VALUES ('${siteId}', 'sig-1', ${START});
INSERT INTO bot_requests (site_id, day, events, decides) VALUES ('${siteId}', '2026-05-04', 3, 4);
`
}

/** What oldHistorySql writes, per table. */
function expectedRows(visitors) {
  return {
    visitors,
    visits: 2 * visitors,
    orders: Math.ceil(visitors / 2),
    events: 6 * visitors,
    exposures: visitors,
    offer_redemptions: 1,
    webhook_deliveries: 1,
    bot_requests: 1,
  }
}

describe('stammis storage migrate', () => {
  let persistTo
  let worker
  const sites = {}
  const sizes = { big: 2500, small: 40 }

  before(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'stammis-migrate-'))
    await run(
      bin('wrangler'),
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
      { cwd: workerDir, env },
    )
    for (const [name, origin] of [
      ['big', 'https://big.example'],
      ['small', 'https://small.example'],
    ]) {
      const { code, stdout, stderr } = await stammis([
        'site',
        'create',
        '--name',
        `${name} shop`,
        '--origin',
        origin,
        '--local',
        '--persist-to',
        persistTo,
      ])
      assert.equal(code, 0, stderr)
      sites[name] = {
        id: /^ {2}Site id\s+(\S+)$/m.exec(stdout)[1],
        publicKey: /^ {2}Public key\s+(\S+)$/m.exec(stdout)[1],
      }
    }
    const sqlFile = join(persistTo, 'old-history.sql')
    writeFileSync(
      sqlFile,
      oldHistorySql(sites.big.id, sizes.big) + oldHistorySql(sites.small.id, sizes.small),
    )
    await run(
      bin('wrangler'),
      ['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--file', sqlFile],
      { cwd: workerDir, env, maxBuffer: 16 * 1024 * 1024 },
    )
    // The worker's own OPS_TOKEN is the local one: the command finds it without being told.
    worker = await startLocalWorker({ port: await freePort(), persistTo, rulesFile: null })
  })
  after(async () => {
    await worker?.stop()
    rmSync(persistTo, { recursive: true, force: true })
  })

  const local = () => ['--local', '--persist-to', persistTo, '--endpoint', worker.url]

  async function ledgerCounts(siteId) {
    const response = await fetch(`${worker.url}/v1/ops/storage/counts?siteId=${siteId}`, {
      headers: { authorization: `Bearer ${LOCAL_OPS_TOKEN}` },
    })
    assert.equal(response.status, 200)
    return (await response.json()).ledger
  }

  test('copies every site in steps, prints the counts of both sides and verifies them', async () => {
    const { code, stdout, stderr } = await stammis(['storage', 'migrate', ...local()])
    assert.equal(code, 0, stderr)
    // The local worker seeds the demo site too (no history).
    assert.match(stdout, /^Migrating 3 sites from local D1 into their ledgers through http:/m)
    assert.match(stdout, /"Demo shop" \(pk_demo, site_demo\): 0 rows copied in 1 step,/)
    const big = expectedRows(sizes.big)
    const total = Object.values(big).reduce((sum, n) => sum + n, 0)
    // More than one step's 10,000 rows: the command followed the cursor.
    assert.ok(total > 10_000)
    const copiedLine = new RegExp(
      `"big shop" \\(${sites.big.publicKey}, ${sites.big.id}\\): ${total.toLocaleString('en-US')} rows copied \\(visitors 2,500, visits 5,000, orders 1,250, events 15,000, exposures 2,500, offer_redemptions 1, webhook_deliveries 1, bot_requests 1\\) in (\\d+) steps`,
    )
    const steps = Number(copiedLine.exec(stdout)?.[1])
    assert.ok(steps >= 3, stdout)
    for (const [table, n] of Object.entries(big))
      assert.match(
        stdout,
        new RegExp(
          `^ {2}${table} +${n.toLocaleString('en-US')} +${n.toLocaleString('en-US')}  ok$`,
          'm',
        ),
      )
    assert.match(stdout, /^ {2}people +- +2,500  \(ledger only\)$/m)
    assert.match(stdout, /^Verified: every site's ledger holds at least the rows D1 holds/m)
    for (const [name, size] of Object.entries(sizes)) {
      const counts = await ledgerCounts(sites[name].id)
      assert.deepEqual(
        { ...counts, people: undefined },
        { ...expectedRows(size), people: undefined },
      )
      assert.equal(counts.people, size)
    }
  })

  test('a second run copies nothing and verifies again; --site picks one site', async () => {
    const before = await ledgerCounts(sites.big.id)
    const again = await stammis(['storage', 'migrate', ...local()])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /"big shop" .*: 0 rows copied in \d+ steps?/)
    assert.match(again.stdout, /"small shop" .*: 0 rows copied in \d+ steps?/)
    assert.match(again.stdout, /^Verified/m)
    assert.deepEqual(await ledgerCounts(sites.big.id), before)

    const one = await stammis(['storage', 'migrate', '--site', sites.small.publicKey, ...local()])
    assert.equal(one.code, 0, one.stderr)
    assert.match(one.stdout, /^Migrating 1 site from local D1/m)
    assert.doesNotMatch(one.stdout, /big shop/)
  })

  test('refuses bad options, an unknown site and a wrong token, exit 2 or 1', async () => {
    const cases = [
      [['--local', '--remote'], 2, /either --local or --remote, not both/],
      [['--site', 'sk_secret'], 2, /--site must be a public key/],
      [['--site', 'pk_nobody'], 2, /No site has the id or public key "pk_nobody"/],
      [['--remote', '--persist-to', '/tmp/x'], 2, /--persist-to only applies to --local/],
    ]
    for (const [args, exitCode, message] of cases) {
      const { code, stderr } = await stammis([
        'storage',
        'migrate',
        ...args,
        ...(args.includes('--remote') ? [] : ['--persist-to', persistTo]),
        '--endpoint',
        worker.url,
      ])
      assert.equal(code, exitCode, `${args.join(' ')}: ${stderr}`)
      assert.match(stderr, message)
    }
    const remote = await stammis(['storage', 'migrate', '--remote'])
    assert.equal(remote.code, 2)
    assert.match(remote.stderr, /with --remote, set STAMMIS_ENDPOINT/)
    const remoteNoToken = await stammis(['storage', 'migrate', '--remote'], {
      STAMMIS_ENDPOINT: worker.url,
    })
    assert.equal(remoteNoToken.code, 2)
    assert.match(remoteNoToken.stderr, /set STAMMIS_OPS_TOKEN/)
    const wrongToken = await stammis(['storage', 'migrate', ...local()], {
      STAMMIS_OPS_TOKEN: 'not-the-token-of-this-worker-at-all',
    })
    assert.equal(wrongToken.code, 1)
    assert.match(wrongToken.stderr, /refused the token: set STAMMIS_OPS_TOKEN/)
  })

  test('a ledger holding fewer rows than D1 is a mismatch', async () => {
    const { verifyCounts } = await tsImport('./storage-counts.ts', import.meta.url)
    const site = { id: 'site_1', name: 'Shop' }
    assert.deepEqual(
      verifyCounts({
        site,
        counts: { d1: { visits: 12, events: 3 }, ledger: { visits: 11, events: 5, people: 2 } },
      }),
      ['site_1 visits: D1 12, ledger 11'],
    )
    assert.deepEqual(verifyCounts({ site, counts: { d1: { visits: 12 }, ledger: {} } }), [
      'site_1 visits: D1 12, ledger none',
    ])
    assert.deepEqual(
      verifyCounts({ site, counts: { d1: { visits: 12 }, ledger: { visits: 12 } } }),
      [],
    )
  })
})

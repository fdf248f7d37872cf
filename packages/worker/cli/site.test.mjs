// `stammis site create` for real: wrangler applies the migrations to a temporary local state, the
// CLI writes the site there, and the row is read back with wrangler. Then a real worker on that
// state accepts the new keys and origins. Run with `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'

const run = promisify(execFile)
const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(workerDir, 'node_modules/.bin', name)
const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_D1_WARNING: 'true' }

/** Runs the CLI as a user would; resolves with its exit code and output, whatever the code. */
async function stammis(...args) {
  try {
    const { stdout, stderr } = await run(bin('tsx'), ['cli/stammis.ts', ...args], {
      cwd: workerDir,
      env,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    if (typeof error.code !== 'number') throw error
    return { code: error.code, stdout: error.stdout, stderr: error.stderr }
  }
}

async function selectSites(persistTo) {
  const { stdout } = await run(
    bin('wrangler'),
    [
      'd1',
      'execute',
      'DB',
      '--local',
      '--persist-to',
      persistTo,
      '--json',
      '--command',
      'SELECT * FROM sites ORDER BY id',
    ],
    { cwd: workerDir, env },
  )
  return JSON.parse(stdout)[0].results
}

function printed(stdout, label) {
  const match = new RegExp(`^  ${label}\\s+(\\S+)$`, 'm').exec(stdout)
  assert.ok(match, `the output names the ${label}:\n${stdout}`)
  return match[1]
}

describe('stammis site create', () => {
  let persistTo
  before(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'stammis-cli-'))
    await run(
      bin('wrangler'),
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
      { cwd: workerDir, env },
    )
  })
  after(() => rmSync(persistTo, { recursive: true, force: true }))

  const created = {}

  test('creates the site and prints its keys once, with a script tag', async () => {
    const { code, stdout, stderr } = await stammis(
      'site',
      'create',
      '--name',
      "Kim's Shop",
      '--origin',
      'https://Shop.Example/',
      '--origin',
      'http://localhost:*',
      '--currency',
      'EUR',
      '--lapse-days',
      '60',
      '--time-zone',
      'Europe/Berlin',
      '--local',
      '--persist-to',
      persistTo,
    )
    assert.equal(code, 0, stderr)
    created.siteId = printed(stdout, 'Site id')
    created.publicKey = printed(stdout, 'Public key')
    created.secretKey = printed(stdout, 'Secret key')
    created.stdout = stdout
    assert.match(created.siteId, /^site_[A-Za-z0-9]{16}$/)
    assert.match(created.publicKey, /^pk_[A-Za-z0-9]{24}$/)
    assert.match(created.secretKey, /^sk_[A-Za-z0-9]{40}$/)
    assert.match(stdout, /shown only this once/)
    assert.ok(
      stdout.includes(
        `<script async src="https://YOUR-WORKER/s.js" data-site="${created.publicKey}"></script>`,
      ),
    )
    assert.equal(
      stdout.split(created.secretKey).length - 1,
      1,
      'the secret key is printed exactly once',
    )
  })

  test('stores the row with the secret key hash, never the key', async () => {
    const sites = await selectSites(persistTo)
    assert.equal(sites.length, 1)
    const [site] = sites
    const { code_secret: codeSecret, created_at: createdAt, ...columns } = site
    assert.equal(typeof createdAt, 'number')
    assert.deepEqual(columns, {
      id: created.siteId,
      name: "Kim's Shop",
      public_key: created.publicKey,
      secret_key_hash: createHash('sha256').update(created.secretKey).digest('hex'),
      allowed_origins: JSON.stringify(['https://shop.example', 'http://localhost:*']),
      currency: 'EUR',
      lapse_days: 60,
      time_zone: 'Europe/Berlin',
      // Later settings keep their defaults: trust browser purchases, 395 days of raw events, no
      // webhook or identity secret yet, the default daily write quota, no previous public key, html
      // content sanitized, profile epoch 0, no edge origin, the default at-risk threshold.
      trust_browser_purchases: 1,
      retention_days: 395,
      webhook_secret: null,
      daily_write_quota: null,
      identity_secret: null,
      previous_public_key: null,
      previous_public_key_expires_at: null,
      allow_scripts: 0,
      profile_epoch: 0,
      edge_origin: null,
      predictions_at_risk_below: 0.5,
    })
    assert.ok(!JSON.stringify(site).includes(created.secretKey))
    // The per-site HMAC key: generated, stored, never printed.
    assert.ok(codeSecret.length >= 32)
    assert.ok(!created.stdout.includes(codeSecret))
  })

  test('bad input exits 2 with a clear message and writes nothing', async () => {
    const cases = [
      [['--currency', 'usd'], /--currency must be a 3-letter ISO 4217 code/],
      [['--lapse-days', '0'], /--lapse-days must be a whole number/],
      [['--lapse-days', '1.5'], /--lapse-days must be a whole number/],
      [['--time-zone', 'Mars/Olympus'], /--time-zone must be an IANA time zone/],
      [['--origin', 'https://shop.example/cart'], /must not have a path/],
      [['--origin', 'shop.example'], /must start with http:\/\/ or https:\/\//],
      [['--remote'], /either --local or --remote, not both/],
      [['--colour', 'red'], /Unknown option '--colour'/],
    ]
    for (const [extra, message] of cases) {
      const { code, stdout, stderr } = await stammis(
        'site',
        'create',
        '--name',
        'Bad',
        '--origin',
        'https://bad.example',
        '--local',
        '--persist-to',
        persistTo,
        ...extra,
      )
      assert.equal(code, 2, `${extra.join(' ')}: ${stderr}`)
      assert.match(stderr, message)
      assert.equal(stdout, '')
    }
    const { code, stderr } = await stammis(
      'site',
      'create',
      '--origin',
      'https://bad.example',
      '--persist-to',
      persistTo,
    )
    assert.equal(code, 2)
    assert.match(stderr, /--name is required/)
    assert.equal((await selectSites(persistTo)).length, 1, 'nothing was written')
  })

  test('a worker on that state accepts the new keys and only the allowed origins', async () => {
    const worker = await startLocalWorker({ port: await freePort(), persistTo, rulesFile: null })
    try {
      const admin = await fetch(`${worker.url}/v1/admin/rules`, {
        headers: { authorization: `Bearer ${created.secretKey}` },
      })
      assert.equal(admin.status, 200, await admin.text())

      const events = (origin) =>
        fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin },
          body: JSON.stringify({
            site: created.publicKey,
            visitorId: 'v1',
            visitId: 's1',
            events: [{ id: `e-${origin.length}`, type: 'visit' }],
          }),
        })
      assert.equal((await events('https://shop.example')).status, 200)
      assert.equal((await events('http://localhost:5173')).status, 200)
      assert.equal((await events('https://evil.example')).status, 403)
    } finally {
      await worker.stop()
    }
  })
})

describe('stammis help', () => {
  test('lists the commands, with or without "help"', async () => {
    for (const args of [[], ['help']]) {
      const { code, stdout } = await stammis(...args)
      assert.equal(code, 0)
      assert.match(stdout, /^Usage: stammis <command>/)
      assert.match(stdout, /site create/)
    }
  })

  test('an unknown command exits 2', async () => {
    const { code, stderr } = await stammis('site', 'delete')
    assert.equal(code, 2)
    assert.match(stderr, /unknown command "site delete"/)
  })
})

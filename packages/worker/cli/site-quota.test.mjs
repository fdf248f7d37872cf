// `stammis site quota` for real: wrangler applies the migrations to a temporary local state, a
// site is created there with `site create`, the quota is shown and changed with the CLI and read
// back with wrangler; then a real worker on that state refuses writes over the quota, and takes
// them again once the CLI raised it. Run with `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
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

/**
 * Runs the CLI as a user would (without a secret key in the environment unless `extraEnv` gives
 * one); resolves with its exit code and output, whatever the code.
 */
async function stammisWith(extraEnv, ...args) {
  try {
    const { stdout, stderr } = await run(bin('tsx'), ['cli/stammis.ts', ...args], {
      cwd: workerDir,
      env: { ...env, STAMMIS_SECRET_KEY: '', ...extraEnv },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    if (typeof error.code !== 'number') throw error
    return { code: error.code, stdout: error.stdout, stderr: error.stderr }
  }
}

const stammis = (...args) => stammisWith({}, ...args)

async function storedQuota(persistTo, siteId) {
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
      `SELECT daily_write_quota FROM sites WHERE id = '${siteId}'`,
    ],
    { cwd: workerDir, env },
  )
  return JSON.parse(stdout)[0].results[0].daily_write_quota
}

describe('stammis site quota', () => {
  let persistTo
  const site = {}
  before(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'stammis-quota-'))
    await run(
      bin('wrangler'),
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
      { cwd: workerDir, env },
    )
    const { code, stdout, stderr } = await stammis(
      'site',
      'create',
      '--name',
      'Busy Shop',
      '--origin',
      'https://busy.example',
      '--local',
      '--persist-to',
      persistTo,
    )
    assert.equal(code, 0, stderr)
    site.id = /^ {2}Site id\s+(\S+)$/m.exec(stdout)[1]
    site.publicKey = /^ {2}Public key\s+(\S+)$/m.exec(stdout)[1]
    site.secretKey = /^ {2}Secret key\s+(\S+)$/m.exec(stdout)[1]
  })
  after(() => rmSync(persistTo, { recursive: true, force: true }))

  const local = () => ['--local', '--persist-to', persistTo]

  test("shows the default quota (today's writes need the worker and the site's key)", async () => {
    const { code, stdout, stderr } = await stammis(
      'site',
      'quota',
      '--site',
      site.publicKey,
      ...local(),
    )
    assert.equal(code, 0, stderr)
    assert.match(stdout, /Site "Busy Shop"/)
    assert.match(stdout, /Daily write quota {2}100,000 rows per UTC day \(the default\)/)
    assert.match(stdout, /Used today {9}not shown: set STAMMIS_SECRET_KEY/)
    assert.equal(await storedQuota(persistTo, site.id), null)
  })

  test('sets the quota by public key, and goes back to the default by site id', async () => {
    const set = await stammis(
      'site',
      'quota',
      '--site',
      site.publicKey,
      '--daily-writes',
      '250000',
      ...local(),
    )
    assert.equal(set.code, 0, set.stderr)
    assert.match(set.stdout, /^Changed\. /)
    assert.match(set.stdout, /Daily write quota {2}250,000 rows per UTC day$/m)
    assert.equal(await storedQuota(persistTo, site.id), 250000)

    const reset = await stammis('site', 'quota', '--site', site.id, '--default', ...local())
    assert.equal(reset.code, 0, reset.stderr)
    assert.match(reset.stdout, /100,000 rows per UTC day \(the default\)/)
    assert.equal(await storedQuota(persistTo, site.id), null)
  })

  test('bad input or an unknown site exits 2 and writes nothing', async () => {
    await stammis('site', 'quota', '--site', site.publicKey, '--daily-writes', '7', ...local())
    const cases = [
      [
        ['--site', site.publicKey, '--daily-writes=-1'],
        /--daily-writes must be a whole number from 0 to 1000000000/,
      ],
      [
        ['--site', site.publicKey, '--daily-writes', '1.5'],
        /--daily-writes must be a whole number/,
      ],
      [
        ['--site', site.publicKey, '--daily-writes', '1000000001'],
        /--daily-writes must be a whole number/,
      ],
      [
        ['--site', site.publicKey, '--daily-writes', '5', '--default'],
        /either --daily-writes or --default/,
      ],
      [['--site', 'sk_secret', '--daily-writes', '5'], /--site must be a public key/],
      [
        ['--daily-writes', '5'],
        /--site \(the public key pk_\.\.\. or the id site_\.\.\.\) is required/,
      ],
      [['--site', site.publicKey, '--remote'], /either --local or --remote, not both/],
      [
        ['--site', 'pk_nobody', '--daily-writes', '5'],
        /No site has the public key or id "pk_nobody"; nothing was changed/,
      ],
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await stammis('site', 'quota', ...args, ...local())
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`)
      assert.match(stderr, message)
      assert.equal(stdout, '')
    }
    assert.equal(await storedQuota(persistTo, site.id), 7, 'nothing was written')
  })

  test('a worker on that state refuses writes over the quota, and takes them once it is raised', async () => {
    await stammis('site', 'quota', '--site', site.publicKey, '--daily-writes', '2', ...local())
    const worker = await startLocalWorker({ port: await freePort(), persistTo, rulesFile: null })
    try {
      let n = 0
      const send = (count) =>
        fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({
            site: site.publicKey,
            visitorId: 'v1',
            visitId: 's1',
            events: Array.from({ length: count }, () => ({
              id: `q-${++n}`,
              type: 'pageview',
              url: 'https://busy.example/',
            })),
          }),
        })
      assert.equal((await send(2)).status, 200)
      const refused = await send(1)
      assert.equal(refused.status, 429)
      assert.equal((await refused.json()).error.code, 'quota_exceeded')
      assert.ok(Number(refused.headers.get('retry-after')) > 0)

      // Today's count lives in the site's ledger: the CLI asks the worker for it.
      const shown = await stammisWith(
        { STAMMIS_SECRET_KEY: site.secretKey },
        ...['site', 'quota', '--site', site.publicKey, '--endpoint', worker.url, ...local()],
      )
      assert.equal(shown.code, 0, shown.stderr)
      assert.match(shown.stdout, /Used today {9}2$/m)
      await stammis('site', 'quota', '--site', site.publicKey, '--daily-writes', '3', ...local())
      // The worker reads site settings again within SITE_ENTRY_MAX_AGE_MS (10 s).
      let status = 429
      for (let tries = 0; status === 429 && tries < 24; tries++) {
        if (tries > 0) await new Promise((done) => setTimeout(done, 500))
        status = (await send(1)).status
      }
      assert.equal(status, 200)
    } finally {
      await worker.stop()
    }
  })
})

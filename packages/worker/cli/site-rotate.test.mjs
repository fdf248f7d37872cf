// `stammis site rotate` for real: a site made with `site create` in a temporary local state, a
// signed-in session, both rotations through the CLI (read back with wrangler), then a real worker
// (`wrangler dev`) on that state refuses the old secret key and the session, accepts the new keys,
// and still accepts the old public key in its grace period. Run with `node --test cli/`.
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
const DAY = 86_400_000
const sha256 = (text) => createHash('sha256').update(text).digest('hex')

/** Runs the CLI as a user would, stdin not a terminal; resolves with its exit code and output. */
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

async function sql(persistTo, command) {
  const { stdout } = await run(
    bin('wrangler'),
    ['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--json', '--command', command],
    { cwd: workerDir, env },
  )
  return JSON.parse(stdout)[0].results
}

function printed(stdout, label) {
  const match = new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(stdout)
  assert.ok(match, `the output names the ${label}:\n${stdout}`)
  return match[1]
}

describe('stammis site rotate', () => {
  let persistTo
  const site = {}
  const SESSION_TOKEN = 'a-signed-in-admin-session-token'

  before(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'stammis-rotate-'))
    await run(
      bin('wrangler'),
      ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
      { cwd: workerDir, env },
    )
    const created = await stammis(
      'site',
      'create',
      '--name',
      'Rotating Shop',
      '--origin',
      'https://shop.example',
      '--local',
      '--persist-to',
      persistTo,
    )
    assert.equal(created.code, 0, created.stderr)
    site.id = printed(created.stdout, 'Site id')
    site.publicKey = printed(created.stdout, 'Public key')
    site.secretKey = printed(created.stdout, 'Secret key')
    // A signed-in admin, as the sign-in form stores it (only the token's hash).
    await sql(
      persistTo,
      `INSERT INTO admin_sessions (token_hash, site_id, user_name, csrf_token, created_at, expires_at)
      VALUES ('${sha256(SESSION_TOKEN)}', '${site.id}', 'Maria', 'csrf', ${Date.now()}, ${Date.now() + DAY})`,
    )
  })
  after(() => rmSync(persistTo, { recursive: true, force: true }))

  test('bad input and no confirmation exit non-zero and change nothing', async () => {
    const target = ['--local', '--persist-to', persistTo]
    const cases = [
      [[...target], 2, /--site .* is required/],
      [['--site', "x'; DROP TABLE sites; --", ...target], 2, /--site must be a site id/],
      [
        ['--site', 'site_doesnotexist', '--yes', ...target],
        2,
        /no site has the id or public key "site_doesnotexist"/,
      ],
      [['--site', site.id, '--remote', '--local'], 2, /either --local or --remote/],
      // No terminal to ask on and no --yes: refuses rather than rotating unasked.
      [['--site', site.id, ...target], 1, /not rotated: stdin is not a terminal/],
    ]
    for (const [args, exitCode, message] of cases) {
      const { code, stdout, stderr } = await stammis('site', 'rotate', ...args)
      assert.equal(code, exitCode, `${args.join(' ')}: ${stderr}`)
      assert.match(stderr, message)
      assert.doesNotMatch(stdout, /sk_|pk_/)
    }
    const [row] = await sql(
      persistTo,
      `SELECT secret_key_hash, public_key FROM sites WHERE id = '${site.id}'`,
    )
    assert.deepEqual(row, { secret_key_hash: sha256(site.secretKey), public_key: site.publicKey })
  })

  test('rotates the secret key: prints it once, stores its hash, ends the sessions', async () => {
    const { code, stdout, stderr } = await stammis(
      'site',
      'rotate',
      '--site',
      site.id,
      '--yes',
      '--local',
      '--persist-to',
      persistTo,
    )
    assert.equal(code, 0, stderr)
    site.newSecretKey = printed(stdout, 'Secret key')
    assert.match(site.newSecretKey, /^sk_[A-Za-z0-9]{40}$/)
    assert.notEqual(site.newSecretKey, site.secretKey)
    assert.equal(
      stdout.split(site.newSecretKey).length - 1,
      1,
      'the new key is printed exactly once',
    )
    assert.match(stdout, /shown only\s+this once/)
    const [row] = await sql(
      persistTo,
      `SELECT secret_key_hash, public_key FROM sites WHERE id = '${site.id}'`,
    )
    assert.deepEqual(row, {
      secret_key_hash: sha256(site.newSecretKey),
      public_key: site.publicKey,
    })
    assert.deepEqual(
      await sql(persistTo, `SELECT count(*) AS n FROM admin_sessions WHERE site_id = '${site.id}'`),
      [{ n: 0 }],
    )
  })

  test('rotates the public key, found by the public key itself, with a 7-day grace period', async () => {
    const before = Date.now()
    const { code, stdout, stderr } = await stammis(
      'site',
      'rotate',
      '--site',
      site.publicKey,
      '--public-key',
      '--yes',
      '--local',
      '--persist-to',
      persistTo,
    )
    assert.equal(code, 0, stderr)
    site.newPublicKey = printed(stdout, 'Public key')
    assert.match(site.newPublicKey, /^pk_[A-Za-z0-9]{24}$/)
    assert.equal(printed(stdout, 'Old key'), site.publicKey)
    assert.ok(stdout.includes(`data-site="${site.newPublicKey}"`))
    const [row] = await sql(
      persistTo,
      `SELECT public_key, previous_public_key, previous_public_key_expires_at, secret_key_hash FROM sites WHERE id = '${site.id}'`,
    )
    assert.equal(row.public_key, site.newPublicKey)
    assert.equal(row.previous_public_key, site.publicKey)
    assert.ok(
      row.previous_public_key_expires_at >= before + 7 * DAY &&
        row.previous_public_key_expires_at <= Date.now() + 7 * DAY,
    )
    assert.equal(row.secret_key_hash, sha256(site.newSecretKey), 'the secret key is not touched')
  })

  test('a worker on that state: old secret key and session refused, new keys and the old public key accepted', async () => {
    const worker = await startLocalWorker({ port: await freePort(), persistTo, rulesFile: null })
    try {
      const admin = (key) =>
        fetch(`${worker.url}/v1/admin/rules`, { headers: { authorization: `Bearer ${key}` } })
      assert.equal((await admin(site.secretKey)).status, 401)
      assert.equal((await admin(site.newSecretKey)).status, 200)
      const session = await fetch(`${worker.url}/v1/admin/rules`, {
        headers: { cookie: `stammis_session=${SESSION_TOKEN}` },
      })
      assert.equal(session.status, 401)
      assert.equal((await session.json()).error.code, 'session_expired')

      const events = (key, id) =>
        fetch(`${worker.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
          body: JSON.stringify({
            site: key,
            visitorId: 'v1',
            visitId: 's1',
            events: [{ id, type: 'visit' }],
          }),
        })
      assert.equal((await events(site.newPublicKey, 'e-new')).status, 200)
      assert.equal(
        (await events(site.publicKey, 'e-old')).status,
        200,
        'the old public key works during its grace period',
      )
      assert.equal((await events('pk_neverexisted', 'e-x')).status, 401)
    } finally {
      await worker.stop()
    }
  })
})

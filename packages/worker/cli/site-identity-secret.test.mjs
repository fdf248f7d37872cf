// `stammis site identity-secret` against a real worker (wrangler dev, demo site sk_demo): the
// secret it prints signs customer ids that the worker then accepts, once, and --rotate replaces
// it. Run with `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(workerDir, 'node_modules/.bin/tsx')

describe('stammis site identity-secret', () => {
  let worker
  before(async () => {
    worker = await startLocalWorker({ port: await freePort(), rulesFile: null })
    const imported = await fetch(`${worker.url}/v1/admin/orders?source=import`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_demo', 'content-type': 'application/json' },
      body: JSON.stringify({
        orders: [
          {
            orderId: 'cli-1',
            customerId: 'cust-cli',
            revenue: 30,
            currency: 'USD',
            placedAt: '2026-01-10T10:00:00Z',
          },
        ],
      }),
    })
    assert.equal(imported.status, 200, await imported.text())
  })
  after(async () => {
    await worker?.stop()
    if (worker) rmSync(worker.persistTo, { recursive: true, force: true })
  })

  function stammis(args) {
    const env = { ...process.env, STAMMIS_ENDPOINT: worker.url, STAMMIS_SECRET_KEY: 'sk_demo' }
    return new Promise((done, fail) => {
      execFile(
        tsx,
        ['cli/stammis.ts', 'site', 'identity-secret', ...args],
        { cwd: workerDir, env },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') return fail(error)
          done({ code: error ? error.code : 0, stdout, stderr })
        },
      )
    })
  }

  /** The orders a fresh browser sees after identifying as cust-cli with this signature (if any). */
  async function ordersSeenWith(signature) {
    const response = await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://localhost:3000' },
      body: JSON.stringify({
        site: 'pk_demo',
        visitorId: `cli-${randomUUID()}`,
        visitId: 's1',
        events: [
          {
            id: randomUUID(),
            type: 'identify',
            customerId: 'cust-cli',
            ...(signature ? { signature } : {}),
          },
        ],
      }),
    })
    assert.equal(response.status, 200, await response.clone().text())
    return (await response.json()).profile.orders
  }

  const sign = (secret) => createHmac('sha256', secret).update('cust-cli').digest('hex')
  const printedSecret = (stdout) => {
    const match = /^ {2}Identity secret {2}(idsec_\S+)$/m.exec(stdout)
    assert.ok(match, `the output shows the secret:\n${stdout}`)
    assert.equal(stdout.split(match[1]).length - 1, 1, 'the secret is printed exactly once')
    return match[1]
  }

  let first
  test("prints a secret whose signatures the worker accepts, and no one else's", async () => {
    const { code, stdout, stderr } = await stammis([])
    assert.equal(code, 0, stderr)
    first = printedSecret(stdout)
    assert.match(stdout, /shown only this once/)
    assert.match(stdout, /hmac_sha256/)
    assert.equal(await ordersSeenWith(sign(first)), 1)
    assert.equal(await ordersSeenWith(undefined), 0)
    assert.equal(await ordersSeenWith(sign('idsec_guessed')), 0)
  })

  test('refuses to replace a secret without --rotate, changing nothing', async () => {
    const { code, stdout, stderr } = await stammis([])
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(stderr, /already has an identity secret; nothing was changed.*--rotate/s)
    assert.equal(await ordersSeenWith(sign(first)), 1)
  })

  test('--rotate replaces it: the old one stops verifying', async () => {
    const { code, stdout, stderr } = await stammis(['--rotate'])
    assert.equal(code, 0, stderr)
    const second = printedSecret(stdout)
    assert.notEqual(second, first)
    assert.match(stdout, /old secret no longer verifies/)
    assert.equal(await ordersSeenWith(sign(first)), 0)
    assert.equal(await ordersSeenWith(sign(second)), 1)
  })
})

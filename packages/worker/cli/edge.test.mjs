// `stammis edge` for real: the CLI starts the local worker itself (none answers on the port it is
// given), writes the edge config into that worker's local D1, forwards its port keeping the Host
// header, and the demo shop's page comes back through it with its slots filled; Ctrl+C (SIGINT)
// stops the edge and the worker it started. Run with `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startShop } from '../../../examples/server.mjs'
import { freePort } from '../../../scripts/local-worker.mjs'

const run = promisify(execFile)
const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(workerDir, 'node_modules/.bin/tsx')
const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_D1_WARNING: 'true' }
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

async function stammis(...args) {
  try {
    const { stdout, stderr } = await run(tsx, ['cli/stammis.ts', ...args], { cwd: workerDir, env })
    return { code: 0, stdout, stderr }
  } catch (error) {
    if (typeof error.code !== 'number') throw error
    return { code: error.code, stdout: error.stdout, stderr: error.stderr }
  }
}

describe('stammis edge', () => {
  let persistTo
  let shop
  before(async () => {
    persistTo = mkdtempSync(join(tmpdir(), 'stammis-edge-'))
  })
  after(async () => {
    await shop?.stop()
    rmSync(persistTo, { recursive: true, force: true })
  })

  test('refuses a bad origin or port with status 2, before touching anything', async () => {
    const badOrigin = await stammis('edge', '--origin', 'ftp://shop.example')
    assert.equal(badOrigin.code, 2)
    assert.match(badOrigin.stderr, /--origin must be/)
    const withPath = await stammis('edge', '--origin', 'https://shop.example/shop')
    assert.equal(withPath.code, 2)
    const badPort = await stammis('edge', '--origin', 'http://127.0.0.1:3000', '--port', '70000')
    assert.equal(badPort.code, 2)
    assert.match(badPort.stderr, /--port must be a port number/)
    const itself = await stammis('edge', '--origin', 'http://127.0.0.1:8789')
    assert.equal(itself.code, 2)
    assert.match(itself.stderr, /cannot be the edge itself/)
  })

  test('starts the worker, serves the shop through the edge with slots filled, stops on Ctrl+C', async () => {
    const [workerPort, edgePort] = [await freePort(), await freePort()]
    shop = await startShop({ port: 0, workerUrl: `http://127.0.0.1:${workerPort}` })
    const child = spawn(
      tsx,
      [
        'cli/stammis.ts',
        'edge',
        '--origin',
        shop.url,
        '--port',
        String(edgePort),
        '--worker-port',
        String(workerPort),
        '--persist-to',
        persistTo,
      ],
      { cwd: workerDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const exited = new Promise((done) => child.once('exit', (code) => done(code)))
    try {
      const deadline = Date.now() + 90_000
      while (!output.includes('Stammis edge') && Date.now() < deadline)
        await new Promise((done) => setTimeout(done, 200))
      assert.match(output, new RegExp(`Stammis edge  http://127\\.0\\.0\\.1:${edgePort}`), output)

      const page = await fetch(`http://127.0.0.1:${edgePort}/`, {
        headers: { accept: 'text/html', 'user-agent': CHROME },
      })
      assert.equal(page.status, 200)
      const html = await page.text()
      assert.match(html, /data-stammis-filled="hero-new-visitors">New here\? Free shipping/)
      assert.match(html, /<script async src="\/__stammis\/edge\.js" data-site="pk_demo"/)
      assert.match(page.headers.get('set-cookie') ?? '', /stm_v=/)
      // The same page straight from the shop is untouched: only the edge's port personalizes.
      const direct = await (
        await fetch(`${shop.url}/`, { headers: { 'user-agent': CHROME } })
      ).text()
      assert.match(
        direct,
        /<h1 class="hero" data-stammis-slot="hero">Good coffee, delivered\.<\/h1>/,
      )
    } finally {
      child.kill('SIGINT')
    }
    assert.equal(await exited, 0, output)
    await assert.rejects(fetch(`http://127.0.0.1:${workerPort}/health`))
  })
})

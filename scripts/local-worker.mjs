// Starts the Stammis worker locally with `wrangler dev`, on a D1/KV state of its own, with the
// demo site (pk_demo / sk_demo) seeded and the demo rules published. Used by `pnpm dev`,
// `pnpm bench` and the end-to-end tests, so all three run the same real worker.
import { spawn, execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
/** The local worker's operator token: local data only (a deployment has its own secret). */
export const LOCAL_OPS_TOKEN = 'local-ops-token-for-wrangler-dev-only-not-a-secret'
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const workerDir = join(root, 'packages/worker')
const wrangler = join(workerDir, 'node_modules/.bin/wrangler')

/**
 * @param {object} [options]
 * @param {number} [options.port] port to listen on (default 8787)
 * @param {string} [options.persistTo] D1/KV state folder (default: a fresh temporary folder)
 * @param {string|null} [options.rulesFile] rules to publish (default examples/demo-rules.json; null: none)
 * @param {boolean} [options.republish] publish even if the site already has rules (default true)
 * @param {Record<string,string>} [options.vars] extra worker vars, e.g. { BENCH_ROUTES: 'on' }
 *   (OPS_TOKEN is LOCAL_OPS_TOKEN unless given here)
 * @param {boolean} [options.quiet] hide wrangler's own output (default true)
 * @param {Record<string,number>} [options.rateLimits] new limits for wrangler.jsonc's `ratelimits`
 *   bindings, by name, for this run only, e.g. { RATE_LIMIT_SITE: 1e9 }: the bench sends one site
 *   and one visitor far more requests than a shop would. The worker then runs from a generated
 *   copy of the config next to it (wrangler.local-<port>.jsonc, git-ignored, removed on stop).
 * @returns {Promise<{ url: string, persistTo: string, pid: number, stop: () => Promise<void> }>}
 *   (`pid`: wrangler's, which leads the process group of the worker's processes)
 */
export async function startLocalWorker(options = {}) {
  const port = options.port ?? 8787
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), 'stammis-worker-'))
  const rulesFile =
    options.rulesFile === undefined ? join(root, 'examples/demo-rules.json') : options.rulesFile
  const quiet = options.quiet ?? true
  const env = wranglerEnv()
  const configPath = options.rateLimits ? writeConfigWithRateLimits(options.rateLimits, port) : null
  const config = configPath ? ['--config', configPath] : []
  const local = ['--local', '--persist-to', persistTo, ...config]

  await run(process.execPath, ['scripts/embed-script.mjs'], { cwd: workerDir, env })
  await run(wrangler, ['d1', 'migrations', 'apply', 'DB', ...local], { cwd: workerDir, env })
  await run(wrangler, ['d1', 'execute', 'DB', ...local, '--file', 'seed/demo-site.sql'], {
    cwd: workerDir,
    env,
  })

  // The operator routes (/v1/ops/*) need an OPS_TOKEN: locally this fixed one, which
  // `pnpm stammis storage migrate --local` sends (cli/ops-api.ts imports it from here).
  const vars = { OPS_TOKEN: LOCAL_OPS_TOKEN, ...options.vars }
  const varArgs = Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`])
  const child = spawn(
    wrangler,
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persistTo,
      ...config,
      '--log-level',
      'warn',
      '--show-interactive-dev-session=false',
      ...varArgs,
    ],
    { cwd: workerDir, env, detached: true, stdio: quiet ? 'ignore' : 'inherit' },
  )
  let exited = false
  child.on('exit', () => (exited = true))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (configPath) rmSync(configPath, { force: true })
    if (exited) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
    await new Promise((done) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {}
        done()
      }, 5000)
      child.once('exit', () => {
        clearTimeout(timer)
        done()
      })
    })
  }

  try {
    await waitForHealth(url, () => exited)
    if (rulesFile) await publishRules(url, rulesFile, options.republish ?? true)
  } catch (error) {
    await stop()
    throw error
  }
  return { url, persistTo, pid: child.pid, stop }
}

/**
 * Writes wrangler.jsonc with some rate limiters' limits replaced, next to it (so its relative paths
 * still hold), and returns the copy's path. An unknown binding name is an error, not a silent no-op.
 */
function writeConfigWithRateLimits(rateLimits, port) {
  const config = JSON.parse(
    stripJsonComments(readFileSync(join(workerDir, 'wrangler.jsonc'), 'utf8')),
  )
  for (const [name, limit] of Object.entries(rateLimits)) {
    const binding = (config.ratelimits ?? []).find((candidate) => candidate.name === name)
    if (!binding) throw new Error(`wrangler.jsonc has no rate limiter named ${name}`)
    binding.simple.limit = limit
  }
  const path = join(workerDir, `wrangler.local-${port}.jsonc`)
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n')
  return path
}

/** JSONC to JSON: drops line and block comments and trailing commas outside strings. */
function stripJsonComments(text) {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '"') {
      let end = i + 1
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      out += text.slice(i, end + 1)
      i = end
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (char === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2)
      i = close === -1 ? text.length : close + 1
    } else if (
      char === ',' &&
      /^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*[}\]]/.test(text.slice(i + 1))
    ) {
      // A trailing comma (Prettier writes them in .jsonc): JSON has none.
    } else {
      out += char
    }
  }
  return out
}

/**
 * Runs SQL against the local D1 of a worker state folder (`wrangler d1 execute --local`) and
 * returns wrangler's JSON answer: one result set per statement.
 * @example const results = await executeLocalSql(worker.persistTo, "SELECT id FROM sites")
 */
export async function executeLocalSql(persistTo, sql) {
  const { stdout } = await run(
    wrangler,
    ['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--json', '--command', sql],
    { cwd: workerDir, env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
  )
  return JSON.parse(stdout)
}

/**
 * The environment wrangler runs in here: no prompts (CI=true also answers a remote command's
 * confirmation with yes and keeps its output plain), no metrics, no D1 notice.
 * @example spawn(wrangler, args, { env: wranglerEnv() })
 */
export function wranglerEnv() {
  return { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_D1_WARNING: 'true' }
}

/** A TCP port on 127.0.0.1 that is free right now, for tests and benchmarks to run side by side. */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

async function waitForHealth(url, hasExited) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('wrangler dev exited before the worker came up')
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok) return
    } catch {}
    await new Promise((done) => setTimeout(done, 200))
  }
  throw new Error(`the worker did not answer on ${url}/health within 60 s`)
}

/** Publishes a rules file for the demo site; with republish false, only if it has none yet. */
export async function publishRules(url, rulesFile, republish = true) {
  const headers = { authorization: 'Bearer sk_demo', 'content-type': 'application/json' }
  if (!republish) {
    const current = await (await fetch(`${url}/v1/admin/rules`, { headers })).json()
    if (current.version > 0) return current.version
  }
  const response = await fetch(`${url}/v1/admin/rules`, {
    method: 'PUT',
    headers,
    body: readFileSync(rulesFile, 'utf8'),
  })
  const body = await response.json()
  if (!response.ok) throw new Error(`publishing ${rulesFile} failed: ${JSON.stringify(body)}`)
  return body.version
}

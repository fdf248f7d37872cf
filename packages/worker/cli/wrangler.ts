import { execFile } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
// @ts-expect-error plain ESM helpers without types: wrangler's environment, where it is set
import { wranglerEnv } from '../../../scripts/local-worker.mjs'

const run = promisify(execFile)

/** packages/worker: wrangler runs from here so it finds wrangler.jsonc and the migrations. */
export const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const wranglerBin = join(workerDir, 'node_modules/.bin/wrangler')

/**
 * Which D1 database a command writes to: the local one wrangler dev uses (optionally in a state
 * folder of its own), or the deployed one named in wrangler.jsonc.
 */
export type D1Target = { kind: 'local'; persistTo?: string } | { kind: 'remote' }

/** Wrangler failed; `output` is what it printed, for the user to read. */
export class WranglerError extends Error {
  override name = 'WranglerError'
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message)
  }
}

/**
 * Runs one SQL text against the `DB` binding with `wrangler d1 execute` and returns the result
 * rows of each statement.
 * @example await executeSql({ kind: 'local' }, 'SELECT count(*) AS n FROM sites')
 */
export async function executeSql(
  target: D1Target,
  sql: string,
): Promise<Record<string, unknown>[][]> {
  const args = ['d1', 'execute', 'DB', ...targetArgs(target), '--json', '--command', sql]
  try {
    const { stdout } = await run(wranglerBin, args, {
      cwd: workerDir,
      env: wranglerEnv(),
      maxBuffer: 16 * 1024 * 1024,
    })
    const results = JSON.parse(stdout) as { results: Record<string, unknown>[] }[]
    return results.map((result) => result.results)
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new WranglerError(
      `wrangler d1 execute failed: ${wranglerMessage(stdout) ?? (stderr.trim() || String(error))}`,
      `${stdout}${stderr}`,
    )
  }
}

/**
 * The flags that pick a target, shared by every d1 subcommand.
 * @example targetArgs({ kind: 'local', persistTo: '/tmp/state' }) // ['--local', '--persist-to', '/tmp/state']
 */
export function targetArgs(target: D1Target): string[] {
  if (target.kind === 'remote') return ['--remote']
  return target.persistTo ? ['--local', '--persist-to', target.persistTo] : ['--local']
}

/** With --json, wrangler reports a failure as `{"error": {"text": "..."}}` on stdout. */
function wranglerMessage(stdout: string): string | undefined {
  try {
    const parsed = JSON.parse(stdout) as { error?: { text?: string } }
    return parsed.error?.text
  } catch {
    return undefined
  }
}

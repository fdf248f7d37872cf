import { join } from 'node:path'
import { EdgeOriginSchema } from '@stammis/contract'
// @ts-expect-error plain ESM helpers without types
import { startLocalEdge } from '../../../scripts/local-edge.mjs'
// @ts-expect-error plain ESM helpers without types
import { startLocalWorker } from '../../../scripts/local-worker.mjs'
import { CommandError, parseOptions, required, UsageError } from './args'
import type { Command } from './command'
import { absolutePath, siteReference } from './site-input'
import { workerDir } from './wrangler'

const usage = `Usage: stammis edge --origin URL [--port N] [--site KEY] [--worker-port N] [--persist-to DIR]

Runs the Stammis edge locally in front of any origin (your shop's own dev server): pages from
http://127.0.0.1:<port> are fetched from the origin and their [data-stammis-slot] elements filled
for the visitor before they reach the browser, as the worker does on a shop's route in production.
Writes the site's edge config (hostname 127.0.0.1:<port> → site, the origin) into the local D1,
starts the local worker if none answers on --worker-port (same state folder as "pnpm dev"), and
forwards the port to it, keeping the Host header. Serves until Ctrl+C.

  --origin URL        the origin: http://127.0.0.1:PORT, http://localhost:PORT or https://host (required)
  --port N            the edge's port (default 8789)
  --site KEY          the local site's public key or id (default pk_demo, the demo site)
  --worker-port N     the local worker's port (default 8787)
  --persist-to DIR    the wrangler state folder (default packages/worker/.wrangler/state)

Exit status: 0 stopped with Ctrl+C, 1 wrangler or the worker failed, 2 bad input or no such site.`

export type EdgeInput = {
  origin: string
  port: number
  site: string
  workerPort: number
  persistTo: string
}

/**
 * Parses and validates the arguments of `edge`; any problem is a `UsageError`.
 * @example parseEdgeArgs(['--origin', 'http://127.0.0.1:3000'])
 */
export function parseEdgeArgs(argv: string[]): EdgeInput {
  const { values } = parseOptions(argv, {
    origin: { type: 'string' },
    port: { type: 'string', default: '8789' },
    site: { type: 'string', default: 'pk_demo' },
    'worker-port': { type: 'string', default: '8787' },
    'persist-to': { type: 'string' },
  })
  const origin = required(values.origin, '--origin (e.g. http://127.0.0.1:3000)').replace(
    /\/+$/,
    '',
  )
  if (!EdgeOriginSchema.safeParse(origin).success)
    throw new UsageError(
      `--origin must be http://127.0.0.1:PORT, http://localhost:PORT or an https origin, without a path (got "${origin}")`,
    )
  const site = siteReference(values.site)
  const port = portOf(values.port, '--port')
  if (origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`)
    throw new UsageError('--origin cannot be the edge itself (pick another --port)')
  return {
    origin,
    port,
    site,
    workerPort: portOf(values['worker-port'], '--worker-port'),
    persistTo: values['persist-to']
      ? absolutePath(values['persist-to'])
      : join(workerDir, '.wrangler/state'),
  }
}

function portOf(raw: string, name: string): number {
  const port = Number(raw)
  if (!/^\d{1,5}$/.test(raw) || port < 1 || port > 65535)
    throw new UsageError(`${name} must be a port number from 1 to 65535 (got "${raw}")`)
  return port
}

async function isAnswering(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).ok
  } catch {
    return false
  }
}

/**
 * `stammis edge`: the edge locally in front of any origin, until Ctrl+C.
 * @example await edgeCommand.run(['--origin', 'http://127.0.0.1:3000', '--port', '8789'])
 */
export const edgeCommand: Command = {
  name: 'edge',
  summary: 'run the edge locally in front of an origin (fills slots before the page arrives)',
  usage,
  async run(argv) {
    const input = parseEdgeArgs(argv)
    const workerUrl = `http://127.0.0.1:${input.workerPort}`
    let worker: { stop: () => Promise<void> } | null = null
    if (!(await isAnswering(workerUrl))) {
      console.log(`Starting the local worker on ${workerUrl}...`)
      worker = (await startLocalWorker({
        port: input.workerPort,
        persistTo: input.persistTo,
        republish: false,
      })) as { stop: () => Promise<void> }
    }
    let edge: { url: string; name: string; publicKey: string; stop: () => Promise<void> }
    try {
      edge = await startLocalEdge({
        workerUrl,
        persistTo: input.persistTo,
        site: input.site,
        origin: input.origin,
        port: input.port,
      })
    } catch (error) {
      await worker?.stop()
      const message = error instanceof Error ? error.message : String(error)
      if (message.startsWith('no local site'))
        throw new CommandError(`${message}; nothing was changed.`, 2)
      throw error
    }
    console.log(`Stammis edge  ${edge.url}  →  ${input.origin}
  site "${edge.name}" (${edge.publicKey}), worker ${workerUrl}
  Ctrl+C to stop.`)
    await new Promise<void>((done) => {
      const stop = () => void Promise.all([edge.stop(), worker?.stop()]).then(() => done())
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
  },
}

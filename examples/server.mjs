// A tiny static server for the demo shop (node:http, no dependencies). The worker URL gets into
// the pages at serve time: every "%WORKER%" in an .html file is replaced by `workerUrl`, so the
// same files work against `pnpm dev`, the e2e tests or a deployed worker.
//
//   node examples/server.mjs            # shop on :5173, worker at http://127.0.0.1:8787
//   PORT=3000 WORKER_URL=https://stammis.example.workers.dev node examples/server.mjs
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const shopDir = fileURLToPath(new URL('./shop/', import.meta.url))
const sdkDist = fileURLToPath(new URL('../packages/sdk/dist/', import.meta.url))
const esmDir = fileURLToPath(new URL('./esm/', import.meta.url))
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
}

/**
 * Starts the demo shop.
 * @param {{ port?: number, host?: string, workerUrl?: string }} [options]
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 * @example const shop = await startShop({ port: 5173, workerUrl: 'http://127.0.0.1:8787' })
 */
export async function startShop(options = {}) {
  const workerUrl = (options.workerUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '')
  const host = options.host ?? '127.0.0.1'
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      if (path.endsWith('/')) path += 'index.html'
      // /sdk/* serves the SDK's ESM build for the ESM example (/esm/).
      const [dir, rel] = path.startsWith('/sdk/')
        ? [sdkDist, path.slice(5)]
        : path.startsWith('/esm/')
          ? [esmDir, path.slice(5)]
          : [shopDir, path.slice(1)]
      const file = join(dir, normalize(rel))
      if (!file.startsWith(dir)) throw Object.assign(new Error('outside'), { code: 'ENOENT' })
      let body = await readFile(file)
      const type = TYPES[extname(file)] ?? 'application/octet-stream'
      if (type.startsWith('text/html'))
        body = body.toString('utf8').replaceAll('%WORKER%', workerUrl)
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' })
      res.end(body)
    } catch (e) {
      res.writeHead(e?.code === 'ENOENT' || e?.code === 'EISDIR' ? 404 : 500, {
        'Content-Type': 'text/plain',
      })
      res.end('not found')
    }
  })
  await new Promise((resolve, reject) =>
    server.once('error', reject).listen(options.port ?? 5173, host, resolve),
  )
  const { port } = server.address()
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const shop = await startShop({
    port: Number(process.env.PORT ?? 5173),
    workerUrl: process.env.WORKER_URL,
  })
  console.log(
    `demo shop: ${shop.url}  (worker: ${process.env.WORKER_URL ?? 'http://127.0.0.1:8787'})`,
  )
}

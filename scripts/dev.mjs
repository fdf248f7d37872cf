// `pnpm dev`: the worker on http://127.0.0.1:8787 with the demo site and rules, the demo shop next
// to it, and the same shop through the Stammis edge on http://127.0.0.1:8789. State is kept in
// packages/worker/.wrangler/state, so a visitor's history survives restarts (delete that folder to start over).
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startLocalEdge } from './local-edge.mjs'
import { startLocalWorker, workerDir } from './local-worker.mjs'

const workerPort = Number(process.env.STAMMIS_WORKER_PORT ?? 8787)
const shopPort = Number(process.env.STAMMIS_SHOP_PORT ?? 8788)
const edgePort = Number(process.env.STAMMIS_EDGE_PORT ?? 8789)
// wrangler's own default state folder, so `pnpm stammis site create --local` sites show up here too.
const persistTo = join(workerDir, '.wrangler/state')
mkdirSync(persistTo, { recursive: true })

console.log('Starting the Stammis worker (migrations, demo site, demo rules)...')
const worker = await startLocalWorker({
  port: workerPort,
  persistTo,
  republish: false,
  quiet: false,
})

let shop = null
const shopServer = new URL('../examples/server.mjs', import.meta.url)
if (existsSync(shopServer)) {
  const { startShop } = await import(shopServer.href)
  shop = await startShop({ port: shopPort, workerUrl: worker.url })
}
// The same shop through the Stammis edge: slots filled before the page reaches the browser.
const edge = shop
  ? await startLocalEdge({ workerUrl: worker.url, persistTo, origin: shop.url, port: edgePort })
  : null

console.log(`
  Stammis worker   ${worker.url}      (demo site: public key pk_demo, secret key sk_demo)
${shop ? `  Demo shop        ${shop.url ?? `http://127.0.0.1:${shopPort}`}      (script tag)\n` : ''}${edge ? `  Through the edge ${edge.url}      (the same shop, personalized before it arrives)\n` : ''}
  Try:  curl -s ${worker.url}/v1/decide -H 'content-type: application/json' -d '{"site":"pk_demo","visitorId":"me","visitId":"v1","slots":["hero"]}'
  Ctrl+C to stop.
`)

const shutdown = async () => {
  await edge?.stop()
  await shop?.stop?.()
  await worker.stop()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)

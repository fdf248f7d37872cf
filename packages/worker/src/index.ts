import { createApp } from './app'
import type { Env } from './env'
import { handleMomentBatch } from './moments/deliver'
import { handleMomentScan, MOMENT_SCAN_CRON } from './moments/scheduled'
import type { DeliveryMessage } from './moments/send'
import { handleScheduled } from './privacy/retention'

export { SiteLedger } from './ledger/object'

const app = createApp()

/**
 * The worker: HTTP through the Hono app, the daily jobs on the cron triggers, and the moments
 * queue's consumer (delivering lifecycle moments to the shops' destinations).
 */
export default {
  fetch: app.fetch,
  // Each cron of wrangler.jsonc runs its own job.
  async scheduled(controller, env) {
    if (controller.cron === MOMENT_SCAN_CRON) await handleMomentScan(controller, env)
    else await handleScheduled(controller, env)
  },
  queue: handleMomentBatch,
} satisfies ExportedHandler<Env, DeliveryMessage>

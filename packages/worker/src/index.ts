import { createApp } from './app'
import type { Env } from './env'
import { handleMomentBatch } from './moments/deliver'
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
  scheduled: handleScheduled,
  queue: handleMomentBatch,
} satisfies ExportedHandler<Env, DeliveryMessage>

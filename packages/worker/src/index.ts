import { createApp } from './app'
import type { Env } from './env'
import { handleScheduled } from './privacy/retention'

export { SiteLedger } from './ledger/object'

const app = createApp()

/** The worker: HTTP through the Hono app, and the daily retention purge on the cron trigger. */
export default { fetch: app.fetch, scheduled: handleScheduled } satisfies ExportedHandler<Env>

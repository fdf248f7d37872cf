import { createApp } from './app'
import type { Env } from './env'
import { refitSites } from './predictions/scheduled'
import { handleScheduled as purgeRetention } from './privacy/retention'

export { SiteLedger } from './ledger/object'

const app = createApp()

/**
 * The daily cron: the retention purge and the prediction refit of every site due, side by side
 * (both awaited, so a failure marks the run as failed; the refit runs even if the purge throws).
 */
async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const purge = purgeRetention(controller, env).catch((error: unknown) => error)
  const refit = await refitSites(env, controller.scheduledTime)
  console.log(
    `prediction refit: ${refit.fitted} sites fitted, ${refit.empty} without customers, ${refit.failed} failed${refit.left ? `, ${refit.left} left for the next run` : ''}`,
  )
  const purgeError = await purge
  if (purgeError) throw purgeError
}

/** The worker: HTTP through the Hono app, and the daily cron (retention purge, prediction refit). */
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>

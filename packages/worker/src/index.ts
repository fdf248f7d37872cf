import { createApp } from './app'
import { handleEdge } from './edge/handler'
import type { Env } from './env'
import { handleMomentBatch } from './moments/deliver'
import { handleMomentScan, MOMENT_SCAN_CRON } from './moments/scheduled'
import type { DeliveryMessage } from './moments/send'
import { refitSites } from './predictions/scheduled'
import { handleScheduled as purgeRetention } from './privacy/retention'
import { edgeHostname, edgeSiteFor } from './sites/edge-directory'

export { SiteLedger } from './ledger/object'

const app = createApp()

/**
 * The daily cron: the retention purge and the prediction refit of every site due, side by side
 * (both awaited, so a failure marks the run as failed; the refit runs even if the purge throws).
 */
async function dailyJobs(controller: ScheduledController, env: Env): Promise<void> {
  const purge = purgeRetention(controller, env).catch((error: unknown) => error)
  const refit = await refitSites(env, controller.scheduledTime)
  console.log(
    `prediction refit: ${refit.fitted} sites fitted, ${refit.empty} without customers, ${refit.failed} failed${refit.left ? `, ${refit.left} left for the next run` : ''}`,
  )
  const purgeError = await purge
  if (purgeError) throw purgeError
}

/**
 * The worker: a request on one of a site's edge hostnames goes to the edge (the shop's pages,
 * personalized, and the API first-party under /__stammis); every other request to the API app.
 * The cron triggers run the daily jobs and the moments scan; the queue consumer delivers
 * lifecycle moments to the shops' destinations.
 */
export default {
  async fetch(request, env, ctx) {
    const site = await edgeSiteFor(env.DB, edgeHostname(new URL(request.url)))
    if (site) return handleEdge(request, env, ctx, site, (api) => app.fetch(api, env, ctx))
    return app.fetch(request, env, ctx)
  },
  // Each cron of wrangler.jsonc runs its own job.
  async scheduled(controller, env) {
    if (controller.cron === MOMENT_SCAN_CRON) await handleMomentScan(controller, env)
    else await dailyJobs(controller, env)
  },
  queue: handleMomentBatch,
} satisfies ExportedHandler<Env, DeliveryMessage>

import { createApp } from './app'
import { handleEdge } from './edge/handler'
import type { Env } from './env'
import { handleScheduled } from './privacy/retention'
import { edgeHostname, edgeSiteFor } from './sites/edge-directory'

export { SiteLedger } from './ledger/object'

const app = createApp()

/**
 * The worker: a request on one of a site's edge hostnames goes to the edge (the shop's pages,
 * personalized, and the API first-party under /__stammis); every other request to the API app.
 * The daily retention purge runs on the cron trigger.
 */
export default {
  async fetch(request, env, ctx) {
    const site = await edgeSiteFor(env.DB, edgeHostname(new URL(request.url)))
    if (site) return handleEdge(request, env, ctx, site, (api) => app.fetch(api, env, ctx))
    return app.fetch(request, env, ctx)
  },
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>

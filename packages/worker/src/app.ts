import { Hono } from 'hono'
import { adminRoutes } from './admin/routes'
import { benchRoutes } from './bench/routes'
import { decideRoutes } from './decide/routes'
import type { AppEnv } from './env'
import { eventRoutes } from './events/routes'
import { handleError, handleNotFound } from './errors'
import { browserCors } from './limits/cors'
import { metricRoutes } from './metrics/routes'
import { destinationRoutes, momentRoutes } from './moments/routes'
import { offerRoutes } from './offers/routes'
import { openApiRoutes } from './openapi/routes'
import { opsRoutes } from './ops/routes'
import { orderRoutes } from './orders/routes'
import { siteRoutes } from './sites/settings'
import { previewRoutes } from './preview/routes'
import { customerPredictionRoutes, predictionRoutes } from './predictions/routes'
import { privacyRoutes } from './privacy/routes'
import { ruleRoutes, workspaceRoutes } from './rules/routes'
import { edgeScriptRoutes, previewScriptRoutes, scriptRoutes } from './script/routes'
import { webhookRoutes } from './webhooks/routes'
import { requireAdmin } from './sites/auth'

/**
 * The Stammis worker: browser routes under /v1 (public key), admin routes under /v1/admin
 * (secret key).
 * @example export default { fetch: createApp().fetch }
 */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.notFound(handleNotFound)

  app.get('/', (c) =>
    c.json({
      name: 'stammis',
      routes: [
        'POST /v1/events',
        'POST /v1/decide',
        'GET /s.js',
        'GET /edge.js',
        'GET /preview.js',
        '/v1/admin/*',
        'GET /openapi.json',
      ],
    }),
  )
  app.get('/health', (c) => c.json({ ok: true }))

  app.route('/s.js', scriptRoutes)
  app.route('/edge.js', edgeScriptRoutes)
  app.route('/preview.js', previewScriptRoutes)
  app.route('/openapi.json', openApiRoutes)

  app.use('/v1/events', browserCors())
  app.use('/v1/decide', browserCors())
  app.route('/v1/events', eventRoutes)
  app.route('/v1/decide', decideRoutes)

  app.use('/v1/admin/*', requireAdmin())
  app.route('/v1/admin/rules', ruleRoutes)
  app.route('/v1/admin/workspace', workspaceRoutes)
  app.route('/v1/admin', previewRoutes)
  app.route('/v1/admin/offers', offerRoutes)
  app.route('/v1/admin/orders', orderRoutes)
  app.route('/v1/admin/site', siteRoutes)
  app.route('/v1/admin', metricRoutes)
  app.route('/v1/admin', privacyRoutes)
  app.route('/v1/admin/predictions', predictionRoutes)
  app.route('/v1/admin/customers', customerPredictionRoutes)
  app.route('/v1/admin/destinations', destinationRoutes)
  app.route('/v1/admin/moments', momentRoutes)

  app.route('/v1/webhooks', webhookRoutes)
  app.route('/v1/ops', opsRoutes)
  app.route('/admin', adminRoutes)

  app.use('/__bench/*', async function benchGate(c, next) {
    if (c.env.BENCH_ROUTES !== 'on') return handleNotFound(c)
    await next()
  })
  app.route('/__bench', benchRoutes)
  return app
}

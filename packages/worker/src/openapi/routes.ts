import { createOpenApiDocument } from '@stammis/contract/openapi'
import { Hono } from 'hono'
import type { AppEnv } from '../env'

/**
 * The document as JSON text, built on the first request and kept for the life of the isolate:
 * deliberate module state, as the document is the same for every request and site.
 */
let documentJson: string | undefined

/**
 * `GET /openapi.json`: the API's OpenAPI 3.1 document, generated from the contract's zod schemas.
 * Public (it holds no secret and no site's data) and cacheable for 5 minutes; any origin may read
 * it, so API tools in a browser can load it.
 * @example app.route('/openapi.json', openApiRoutes)
 */
export const openApiRoutes = new Hono<AppEnv>().get('/', (c) => {
  documentJson ??= JSON.stringify(createOpenApiDocument())
  return c.body(documentJson, 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'public, max-age=300',
    'Access-Control-Allow-Origin': '*',
  })
})

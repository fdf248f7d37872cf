import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { SCRIPT_ETAG, SCRIPT_SOURCE } from './bundle.generated'

/**
 * `GET /s.js`: the script tag's bundle. Cached by browsers and the edge for 5 minutes and served
 * stale for a day while revalidating, so a new SDK reaches every site within minutes while almost
 * every page load costs no request; the ETag makes revalidation a 304.
 */
export const scriptRoutes = new Hono<AppEnv>().get('/', (c) => {
  const headers = {
    'Content-Type': 'application/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
    ETag: SCRIPT_ETAG,
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
  }
  if (c.req.header('if-none-match') === SCRIPT_ETAG) return c.body(null, 304, headers)
  return c.body(SCRIPT_SOURCE, 200, headers)
})

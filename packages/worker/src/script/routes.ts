import { Hono } from 'hono'
import type { AppEnv } from '../env'
import {
  EDGE_SCRIPT_ETAG,
  EDGE_SCRIPT_SOURCE,
  PREVIEW_ETAG,
  PREVIEW_SOURCE,
  SCRIPT_ETAG,
  SCRIPT_SOURCE,
} from './bundle.generated'

/**
 * A route serving one embedded SDK bundle. Cached by browsers and the edge for 5 minutes and
 * served stale for a day while revalidating, so a new SDK reaches every site within minutes while
 * almost every page load costs no request; the ETag makes revalidation a 304. Any origin may load
 * it (`preview.js` is imported as a module, which browsers fetch with CORS).
 */
const bundleRoutes = (source: string, etag: string) =>
  new Hono<AppEnv>().get('/', function serveBundle(c) {
    const headers = {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
      ETag: etag,
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    return c.body(source, 200, headers)
  })

/** `GET /s.js`: the script tag's bundle. */
export const scriptRoutes = bundleRoutes(SCRIPT_SOURCE, SCRIPT_ETAG)

/**
 * `GET /edge.js`: the script tag's bundle for pages the Stammis edge personalized: it never asks
 * for or re-renders the slots the edge filled (`data-stammis-filled`), never hides slots, and
 * keeps the visit and profile token in the cookies the edge reads (`stm_s`, `stm_p`).
 */
export const edgeScriptRoutes = bundleRoutes(EDGE_SCRIPT_SOURCE, EDGE_SCRIPT_ETAG)

/**
 * `GET /preview.js`: the SDK with preview mode, an ES module that `s.js` imports only on a
 * preview link (`?stammis_preview=`), so the script every shopper loads stays small.
 */
export const previewScriptRoutes = bundleRoutes(PREVIEW_SOURCE, PREVIEW_ETAG)

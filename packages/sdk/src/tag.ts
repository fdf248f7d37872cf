import { createClient } from './client'
import type { ScriptOptions } from './types'
import { W } from './util'

/**
 * Starts the script tag's client with its `data-*` options, replaces the
 * `window.stammis = window.stammis || []` stub with the API and replays what was queued, in order.
 * Shared by `s.js` and the preview chunk `preview.js`, which s.js hands over to on preview links.
 * @example startTag(document.currentScript.dataset, 'https://stammis.example.workers.dev')
 */
export const startTag = (d: DOMStringMap, endpoint: string): void => {
  // data-site, data-endpoint, data-consent, data-respect-gpc, data-anti-flicker, data-timeout,
  // data-spa, data-slots: createClient reads the string forms directly.
  const client = createClient({ ...d, endpoint } as ScriptOptions) as any
  const api: any = {}
  // Every method is wrapped: a bad argument from the page returns undefined instead of throwing.
  // A function has `call`, an array does not (cheaper than `typeof c == 'function'`).
  const push = (c: any) => (c.call ? c(api) : client[c[0]](...c.slice(1)))
  client.push = push
  for (const k in client)
    api[k] = (...a: unknown[]) => {
      try {
        return client[k](...a)
      } catch {}
    }
  const queued = (W as any).stammis
  ;(W as any).stammis = api
  // The stub is an array of queued calls; anything else (this script loaded twice) has no map.
  queued?.map?.(api.push)
}

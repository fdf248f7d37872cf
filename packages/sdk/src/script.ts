/**
 * Script-tag entry: `<script async src="https://WORKER/s.js" data-site="pk_..."></script>`.
 * Reads its options from `data-*`, replaces the `window.stammis = window.stammis || []` stub with
 * the API and replays what was queued, in order. Nothing here may throw into the host page.
 */
import { createClient } from './client'
import type { Stammis } from './types'
import { D, W } from './util'

type Queued = [keyof Stammis, ...unknown[]] | ((s: Stammis) => void)

try {
  const script = D.currentScript as HTMLScriptElement
  const d = script.dataset
  const client = createClient({
    site: d.site!,
    endpoint: d.endpoint || new URL(script.src).origin,
    consent: d.consent as 'required',
    respectGpc: 'respectGpc' in d,
    antiFlicker: 'antiFlicker' in d && (+d.antiFlicker! || 300),
    timeout: +d.timeout!,
    spa: d.spa != 'off',
    slots: d.slots != 'off',
  }) as any
  const api: any = {}
  // Every method is wrapped: a bad argument from the page returns undefined instead of throwing.
  const push = (c: Queued) =>
    typeof c == 'function' ? c(api) : client[c[0]](...c.slice(1))
  ;(Object.keys(client) as string[]).concat('push').forEach((k) => {
    api[k] = (...a: unknown[]) => {
      try {
        return (k == 'push' ? push : client[k])(...a)
      } catch {}
    }
  })
  const queued = (W as any).stammis
  ;(W as any).stammis = api
  Array.isArray(queued) && queued.forEach(api.push)
} catch {}

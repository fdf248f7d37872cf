/**
 * ESM entry of `@stammis/sdk`.
 * @example
 * import { init, getOffer, purchase } from '@stammis/sdk'
 * init({ site: 'pk_demo', endpoint: 'https://stammis.example.workers.dev' })
 * const hero = await getOffer('hero')
 */
import { createClient } from './client'
import type { EventMap, IdentifyOptions, Options, Stammis } from './types'

export type * from './types'
export { createClient }

let client: Stammis | undefined

const use = (): Stammis => {
  if (!client) throw new Error('stammis: call init({ site, endpoint }) first')
  return client
}

/**
 * Starts Stammis once for this page (a second call returns the first client).
 * Sends a page view, fills `[data-stammis-slot]` elements and watches History API navigation.
 * @example init({ site: 'pk_demo', endpoint: 'http://localhost:8787', consent: 'required' })
 */
export const init = (options: Options): Stammis => {
  if (!options || !options.site || !options.endpoint)
    throw new Error('stammis: init needs { site, endpoint }')
  return (client ||= createClient(options))
}

/** The decision for one slot, or null (no rule, error, timeout). @example (await getOffer('hero'))?.offer?.code */
export const getOffer = (slot: string) => use().getOffer(slot)
/** Decisions for several slots in one call. @example await getDecisions(['hero', 'banner']) */
export const getDecisions = (slots: string[]) => use().getDecisions(slots)
/** Records an order; resolves once sent or stored for retry. @example purchase({ orderId: 'A-1', revenue: 59.9, currency: 'USD' }) */
export const purchase = (order: Parameters<Stammis['purchase']>[0]) => use().purchase(order)
/**
 * Links the visitor to your customer id, with your server's signature of it when you have one.
 * @example identify('cus_42', { signature: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
 */
export const identify = (customerId: string, options?: IdentifyOptions) =>
  use().identify(customerId, options)
/** A custom event. @example track('newsletter_signup', { source: 'footer' }) */
export const track = (name: string, props?: Record<string, unknown>) => use().track(name, props)
/** Grants (true) or refuses (false, clears storage) consent. @example consent(true) */
export const consent = (granted: boolean) => use().consent(granted)
/** The visitor's profile after pending events were sent, or null. @example (await profile())?.segment */
export const profile = () => use().profile()
/** Subscribes to `segment` or `slot` events; returns an unsubscribe function. @example on('segment', (c) => console.log(c.previous, '->', c.segment)) */
export const on = <K extends keyof EventMap>(name: K, cb: (detail: EventMap[K]) => void) =>
  use().on(name, cb)
/** Fills the page's slots again (after you rendered new ones). @example await refresh() */
export const refresh = () => use().refresh()

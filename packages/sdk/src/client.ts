// Import order: the one that compresses smallest (a few bytes of the size budget).
import { identity } from './identity'
import { watchHistory } from './spa'
import { post, transport } from './transport'
import { initialConsent, recordConsent } from './consent'
import { fillSlots } from './slots'
import type { DecideResponse } from '@stammis/contract'
import type { Decision, EventInput, Options, Profile, ScriptOptions, Stammis } from './types'
import { D, L, SS, W, clip, emit, here, read, resolved, write } from './util'

declare const DEV: boolean
/** False in `s.js`, whose preview links load `preview.js` (this code with it true) instead. */
declare const PREVIEW: boolean

const G = 'stm_g'
const P = 'stm_p'
const isOff = (v: unknown) => v === false || v == 'off'

/**
 * Builds one Stammis client: identity, outbox, slots, SPA and consent wired together.
 * Starts at once: a page view (plus a visit event when a visit begins) and, if there are
 * `[data-stammis-slot]` elements, one decide call. Every returned method resolves, never rejects.
 * @example const s = createClient({ site: 'pk_demo', endpoint: 'http://localhost:8787' })
 *   s.getOffer('hero').then((d) => d?.offer && showCode(d.offer.code))
 */
export const createClient = (o: Options | ScriptOptions): Stammis => {
  const site = o.site
  const base = o.endpoint.replace(/\/+$/, '') + '/v1/'
  const timeout = +o.timeout! || 1e3
  // Options come typed from init() or as strings from the script tag's dataset: accept both.
  const hideMs = o.antiFlicker === true || o.antiFlicker === '' ? 300 : +o.antiFlicker! || 0
  // Present as an attribute (""), or true from init(): opted in; absent, false or "off": not.
  let isGranted = initialConsent(o.consent == 'required', !isOff(o.respectGpc ?? false))
  let profile: Profile | null = null
  // A shareable preview link (?stammis_preview=TOKEN) forces a segment for this tab. Previews are
  // never counted: nothing is stored or sent but decide, which records nothing for them. The
  // token counts only once the worker confirms it (a decide that records nothing either way);
  // meanwhile events wait in memory, and a junk, expired or forged token leaves a normal page.
  // Never null: JSON leaves `undefined` out (decide's `preview` is an optional string).
  let preview = PREVIEW
    ? /stammis_preview=([^&#]+)/.exec(here())?.[1] || read(SS, P) || undefined
    : undefined
  /** Store and send: with consent, and not in a preview (nor while its token is being checked). */
  const isAllowed = PREVIEW ? () => isGranted && !preview : () => isGranted
  const ids = identity(isAllowed)
  const setProfile = (p: Profile) => {
    profile = p
    const previous = read(L, G)
    if (p.segment != previous) {
      write(L, G, p.segment)
      emit(W, 'segment', { segment: p.segment, previous, profile: p })
    }
  }

  // The answer's visitor id may be a new one: another customer signed in on this computer.
  const out = transport(
    base + 'events',
    isAllowed,
    (b, a) =>
      b.visitorId == ids.visitor_() &&
      (ids.use_(a.profile.visitorId), b.visitId == ids.visit_() && setProfile(a.profile)),
  )

  const head = () => ({ site, visitorId: ids.visitor_(), visitId: ids.visit_() })
  const context = () => ({ url: here(), referrer: clip(D.referrer) })

  /** Touches the visit (sending `visit` when one begins), queues `e` and starts sending. */
  const send = (e?: EventInput): Promise<void> => {
    ids.touch_() && out.add_(head(), { type: 'visit', ...context() })
    e && out.add_(head(), e)
    return out.flush_()
  }

  /**
   * One decide call for this visit (which it touches first), with the preview token if any; none
   * without consent (it resolves with nothing).
   */
  const decide = (slots: string[]): Promise<DecideResponse | null | void> =>
    isGranted
      ? (send(),
        post<DecideResponse>(
          base + 'decide',
          { ...head(), slots, context: context(), ...(PREVIEW && { preview }) },
          AbortSignal.timeout(timeout),
        ))
      : resolved

  // The token check: a decide like any other, so a preview records nothing, a refused token
  // neither, and without consent there is no check and the token is dropped.
  const ready =
    PREVIEW && preview
      ? decide(['p'])
          .then(
            (a) => a?.preview || (preview = undefined),
            () => (preview = undefined),
          )
          .then(() => {
            write(SS, P, preview)
            // Refused: what waited in memory is stored and sent now.
            send()
          })
      : resolved

  const getDecisions = (slots: string[]): Promise<Record<string, Decision | null>> =>
    ready
      // No consent or a 4xx: no answer, and reading it throws into the catch: no decisions.
      .then(() => decide(slots).then((a) => (setProfile(a!.profile), a!.decisions)))
      .catch(() => ({}))

  const refresh = (): Promise<void> =>
    isOff(o.slots) ? resolved : fillSlots(getDecisions, hideMs).catch(() => {})

  const pageview = () => send({ type: 'pageview', url: here() })

  const api: Stammis = {
    getOffer: (slot) => getDecisions([slot]).then((ds) => ds[slot] ?? null),
    getDecisions,
    purchase: (p) => {
      if (DEV && !(p.revenue >= 0 && /^[A-Z]{3}$/.test(p.currency) && p.orderId))
        console.warn('stammis: purchase needs orderId, revenue >= 0 and a currency like "USD"', p)
      return send({
        type: 'purchase',
        orderId: '' + p.orderId,
        revenue: +p.revenue,
        currency: ('' + p.currency).toUpperCase(),
      })
    },
    // The signature (the shop server's HMAC of the id) proves the id; absent, JSON drops the key.
    identify: (customerId, o) =>
      send({ type: 'identify', customerId: '' + customerId, signature: o?.signature }),
    // A round trip through JSON makes bad props (cycles, BigInt) fail here, not in the outbox.
    track: (name, props) =>
      send({ type: 'track', name, props: props && JSON.parse(JSON.stringify(props)) }),
    consent: (granted) => {
      recordConsent(granted)
      if (granted && !isGranted) {
        isGranted = true
        send()
        refresh()
      } else if (!granted) {
        isGranted = false
        profile = null
        ids.clear_()
        out.clear_()
        write(L, G)
      }
    },
    profile: () => out.flush_().then(() => profile),
    on: (name, cb) => {
      const h = (e: Event) => cb((e as CustomEvent).detail)
      W.addEventListener('stammis:' + name, h)
      return () => W.removeEventListener('stammis:' + name, h)
    },
    refresh,
  }

  pageview()
  isGranted && refresh()
  isOff(o.spa) ||
    // Neither can throw (storage is guarded, the rest are promises), so the host's router never
    // sees an error of ours.
    watchHistory(() => (pageview(), refresh()))
  // 'visibilitychange' to hidden is the last event browsers reliably fire before a page goes
  // away (it precedes pagehide), and it also covers tabs that are backgrounded, then killed.
  D.addEventListener('visibilitychange', () => {
    try {
      D.visibilityState == 'hidden' && out.beacon_()
    } catch {}
  })
  return api
}

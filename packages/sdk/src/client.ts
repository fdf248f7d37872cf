// Import order: the one that compresses smallest (a few bytes of the size budget).
import { watchHistory } from './spa'
import { CONSENT, initialConsent } from './consent'
import { post, transport } from './transport'
import { IDLE, storeIdentity, storedIdentity } from './identity'
import { fillSlots } from './slots'
import type { DecideResponse, EventsResponse } from '@stammis/contract'
import type { Batch, Decision, EventInput, Options, Profile, ScriptOptions, Stammis } from './types'
import { D, L, SS, W, clip, emit, here, read, resolved, rid, write } from './util'

const G = 'stm_g'
const P = 'stm_p'
const isOff = (v: unknown) => (!TAG && v === false) || v == 'off'
/** Present as an attribute (""), or true from init(): on; absent, false or "off": off. */
const isOn = (v: unknown) => v != null && !isOff(v)

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
  // Anti-flicker: `data-anti-flicker` as written ("" or ms), or init()'s true / ms. A page the
  // edge personalized (`data-edge`) has nothing to hide: the edge filled what it could.
  const hide =
    !ANTI_FLICKER || (EDGE && isOn(o.edge))
      ? undefined
      : TAG
        ? (o.antiFlicker as string | undefined)
        : o.antiFlicker === true
          ? ''
          : o.antiFlicker || undefined
  let isGranted = initialConsent(o.consent == 'required', isOn(o.respectGpc))
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
  // Who (visitor id), which visit (id, last activity: NaN before any) and the visitor's profile
  // token; `at` is the stored activity time, absent for a visit the edge started (see identity.ts).
  let [visitor, visit, at, token] = storedIdentity()
  let last = +at!
  const saveIds = () => isAllowed() && storeIdentity(visitor, visit + '.' + last, token)
  /** Records activity; returns true when this starts a new visit (NaN: `now - last < IDLE` fails). */
  const touch = (): boolean => {
    const now = Date.now()
    const isNew = !(now - last < IDLE)
    // Without an activity time, `visit` is the edge's new visit (once: `at` is set below).
    if (isNew) visit = (EDGE && !at && visit) || rid()
    at = '1'
    last = now
    saveIds()
    return isNew
  }

  /**
   * An events or decide answer to request `b`, if it is still about this visitor: its visitor id
   * (a new one when another customer signed in on this computer) with its fresh profile token (a
   * bot's answer has none); and, when it is still about this visit, its profile, announcing a
   * new segment.
   */
  const answered = (b: Omit<Batch, 'events'>, a: EventsResponse | DecideResponse) => {
    if (b.visitorId == visitor) {
      // A new id is a shared computer signing in as a second customer: two people's histories
      // never mix, so the previous visitor's token goes with it.
      token = a.profileToken || (a.profile.visitorId == visitor ? token : undefined)
      visitor = a.profile.visitorId
      saveIds()
      if (b.visitId == visit) {
        const p = (profile = a.profile)
        const previous = read(L, G)
        if (p.segment != previous) {
          write(L, G, p.segment)
          emit(W, 'segment', { segment: p.segment, previous, profile: p })
        }
      }
    }
  }

  const out = transport(base + 'events', isAllowed, answered)

  const head = () => ({ site, visitorId: visitor, visitId: visit })
  const context = () => ({ url: here(), referrer: clip(D.referrer) })

  /** Touches the visit (sending `visit` when one begins), queues `e` and starts sending. */
  const send = (e?: EventInput): Promise<void> => {
    touch() && out.add_(head(), { type: 'visit', ...context() })
    e && out.add_(head(), e)
    return out.flush_()
  }

  /** Preview links: the token check, which every decide waits for, and its outcome. */
  let ready: Promise<void> | 0 = 0
  let isConfirmed = false

  /**
   * One decide call for this visit (which it touches first), with the preview token if any and
   * the profile token. No consent, or no answer (4xx, network, timeout): no decisions.
   */
  const getDecisions = (slots: string[]): Promise<Record<string, Decision | null>> =>
    (ready || resolved)
      .then(() => {
        if (!isGranted) throw 0
        send()
        const b = {
          ...head(),
          slots,
          context: context(),
          ...(PREVIEW && { preview }),
          profileToken: token,
        }
        return post<DecideResponse>(base + 'decide', b, AbortSignal.timeout(timeout)).then(
          // A null answer (4xx) throws here. A preview answer's profile is made up: it is neither
          // this visitor's profile nor its token.
          (a) => (PREVIEW && a!.preview ? (isConfirmed = true) : answered(b, a!), a!.decisions),
        )
      })
      .catch(() => ({}))

  // The token check: a decide like any other, so a preview records nothing, a refused token
  // neither, and without consent there is no check and the token is dropped.
  if (PREVIEW && preview)
    ready = getDecisions(['p']).then(() => {
      isConfirmed || (preview = undefined)
      write(SS, P, preview)
      // Refused: what waited in memory is stored and sent now.
      send()
    })

  const refresh = (): Promise<void> =>
    isOff(o.slots) ? resolved : fillSlots(getDecisions, hide).catch(() => {})

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
      // Recorded either way: a refusal is kept too, so the next page stays silent.
      write(L, CONSENT, '' + +granted)
      if (granted && !isGranted) {
        isGranted = true
        send()
        refresh()
      } else if (!granted) {
        isGranted = false
        profile = null
        storeIdentity()
        visitor = rid()
        token = undefined
        last = 0
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
      D.hidden && out.beacon_()
    } catch {}
  })
  return api
}

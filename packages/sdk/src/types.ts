import type { Decision, Profile, Segment, StammisEvent } from '@stammis/contract'

export type { Content, Decision, Offer, Profile, Segment, ServedOffer } from '@stammis/contract'

/** Options for `init()` (ESM) or the `data-*` attributes of the script tag. */
export interface Options {
  /** The site's public key. Script tag: `data-site`. @example 'pk_demo' */
  site: string
  /** Base URL of the Stammis worker. Script tag: `data-endpoint`, default the script's own origin. */
  endpoint: string
  /** `'required'`: store and send nothing until `consent(true)`. Script tag: `data-consent`. */
  consent?: 'required' | 'implied'
  /** Treat `navigator.globalPrivacyControl` as a refusal until `consent(true)`. Script tag: `data-respect-gpc`. */
  respectGpc?: boolean
  /** Hide slots until their decision arrives, at most this many ms (`true` = 300). Script tag: `data-anti-flicker[="300"]`. */
  antiFlicker?: number | boolean
  /** Give up on `/v1/decide` after this many ms and keep defaults (default 1000). Script tag: `data-timeout`. */
  timeout?: number
  /** Send a page view and refresh slots on History API navigation (default true). Script tag: `data-spa="off"` disables. */
  spa?: boolean
  /** Fill `[data-stammis-slot]` elements automatically (default true). Script tag: `data-slots="off"` disables. */
  slots?: boolean
  /**
   * The page came through the Stammis edge, which already filled the slots it could (marked
   * `data-stammis-filled`): no anti-flicker hiding. Script tag: `data-edge` (the edge adds it).
   */
  edge?: boolean
}

/** The script tag's `data-*` attributes as `dataset` gives them: every value a string. */
export type ScriptOptions = { site: string; endpoint: string } & {
  [K in Exclude<keyof Options, 'site' | 'endpoint'>]?: string
}

/** Detail of the `stammis:segment` event. */
export interface SegmentChange {
  segment: Segment
  /** The segment last seen in this browser, or null the first time. */
  previous: Segment | null
  profile: Profile
}

/** Detail of the `stammis:slot` event, dispatched (bubbling) on every filled slot element. */
export interface SlotFill {
  slot: string
  /** The decision the SDK rendered; null for no rule, errors, timeouts and edge-filled slots. */
  decision: Decision | null
  /**
   * Set when the Stammis edge filled this slot before the page arrived: the value of its
   * `data-stammis-filled` attribute (the rule id). The SDK neither asks for nor re-renders it.
   */
  filled?: string
}

export interface PurchaseInput {
  orderId: string
  revenue: number
  /** ISO 4217, e.g. 'USD'. */
  currency: string
}

/** Options of `identify()`. */
export interface IdentifyOptions {
  /** Lowercase hex HMAC-SHA256 of the customer id, computed by the shop's server (never in the page's own code). */
  signature?: string
}

/** Event names accepted by `on()`: `segment` (detail SegmentChange) and `slot` (detail SlotFill). */
export interface EventMap {
  segment: SegmentChange
  slot: SlotFill
}

/** The API of `init()` and of `window.stammis`. */
export interface Stammis {
  getOffer(slot: string): Promise<Decision | null>
  getDecisions(slots: string[]): Promise<Record<string, Decision | null>>
  purchase(order: PurchaseInput): Promise<void>
  /**
   * Links the visitor to your customer id. `signature`: the lowercase hex HMAC-SHA256 your server
   * computed for the id, sent as the identify event's `signature` so the worker can verify it.
   */
  identify(customerId: string, options?: IdentifyOptions): Promise<void>
  track(name: string, props?: Record<string, unknown>): Promise<void>
  consent(granted: boolean): void
  profile(): Promise<Profile | null>
  on<K extends keyof EventMap>(name: K, cb: (detail: EventMap[K]) => void): () => void
  /** Re-scan the page and fill `[data-stammis-slot]` elements. */
  refresh(): Promise<void>
}

/** One event as sent, minus its id. */
export type EventInput = StammisEvent extends infer E
  ? E extends { id: string }
    ? Omit<E, 'id'>
    : never
  : never

export interface Batch {
  site: string
  visitorId: string
  visitId: string
  events: StammisEvent[]
}

import type { MomentType, Segment, ServerOrdersResult, StammisEvent } from '@stammis/contract'
import type { IdentifyRecord } from '../identity/identify'
import type { WriteQuota } from '../limits/quota'
import type { VisitorState } from '../segments/classify'

/**
 * What the ledger needs to know of its site on each call. D1 stays the source of truth for site
 * settings, so every operation that depends on one takes them as an argument (plain data).
 */
export type LedgerSite = {
  id: string
  currency: string
  timeZone: string
  lapseDays: number
  /** Count browser-reported purchases for classification at once (true) or only once verified. */
  trustBrowserPurchases: boolean
  /** Rows the site may store through its public key per UTC day; null: the default quota. */
  dailyWriteQuota: number | null
}

export type { WriteQuota }

export type { IdentifyRecord }

/** An events batch from the browser, validated, its URLs already reduced to what is stored. */
export type BrowserBatch = {
  visitorId: string
  visitId: string
  events: StammisEvent[]
  /** By event id: what each identify event of the batch stores. */
  identities: Record<string, IdentifyRecord>
  /**
   * The person of the batch's last signed identify (`c:<customer key>`), if any: the visitor is
   * linked to it, or (a shared computer, the visitor belongs to another customer) the batch is
   * stored as it is and the customer continues under a fresh visitor id.
   */
  signedPerson: string | null
  now: number
}

export type RecordBatchResult =
  | {
      ok: true
      accepted: number
      duplicates: number
      /** The visitor the answer's profile is for: the request's, or the fresh id after a switch. */
      visitorId: string
      /** True when a shared computer's second customer got a fresh visitor id. */
      isSwitched: boolean
      state: VisitorState
      /** Moments the batch's new counted purchase caused (customers only): see moments.ts. */
      transitions: PurchaseTransition[]
    }
  | { ok: false; reason: 'quota_exceeded'; quota: WriteQuota }

/** Everything decide needs from the ledger, in one call. */
export type DecideContext = {
  state: VisitorState
  /** The live rule-set version as the ledger mirrors it (0: none published). */
  rulesVersion: number
  /** When the visitor's person was first shown each rule (rule id → epoch ms), when asked for. */
  firstExposedAt: Record<string, number>
  quota: WriteQuota
  /** The person's prediction inputs (null: no counted purchase), for the rules' prediction conditions. */
  predictionInputs: PersonPredictionInputs | null
}

/**
 * What the prediction models read about one person, kept on its `people` row (schema step 2):
 * from its counted orders, one purchase per local day, revenue in the site's currency.
 */
export type PersonPredictionInputs = {
  /** Distinct local days with a counted order (x = purchaseDays − 1). */
  purchaseDays: number
  firstPurchaseDay: string
  lastPurchaseDay: string
  /** Revenue of every counted order (site currency, micro-units). */
  revenueMicros: number
  /** Revenue of the first purchase day: repeat days' mean spend = (revenue − this) / x. */
  firstDayRevenueMicros: number
  /** Median days between consecutive purchase days once there are two gaps; else null. */
  medianGapDays: number | null
}

/**
 * The site's per-customer summary as of a day (`predictionInputs`): the model's `OrdersSummary`
 * (times in weeks, money in the site's currency), computed in SQL.
 */
export type PredictionInputs = {
  asOf: string
  customers: {
    /** The person id: `c:<customer key>`, or a browser's visitor id. */
    customerId: string
    firstDay: string
    lastDay: string
    x: number
    tx: number
    T: number
    monetary: number
    medianGapDays: number | null
  }[]
  /** Purchase days on or before asOf, first ones included. */
  purchaseDays: number
  /** Revenue of those days (site currency). */
  revenue: number
}

export type Exposure = {
  ruleId: string
  visitorId: string
  visitId: string
  variant: 'treatment' | 'control'
  rulesetVersion: number
  /** The offer code served, if any: the redemption check finds unique codes by it. */
  offerCode: string | null
}

/** An order the shop's server reports, as the ledger stores it (money in micro-units). */
export type LedgerServerOrder = {
  orderId: string
  visitorId: string | null
  /** The customer's person id (`c:<customer key>`), computed by the caller from its customer id. */
  customerPerson: string | null
  revenueMicros: number
  /** null: not given (a confirmed order keeps the browser's discount). */
  discountMicros: number | null
  currency: string
  placedAt: number
}

export type { ServerOrdersResult }

/**
 * What `storeServerOrders` answers: the API's counts, plus the moments its orders caused. The
 * route answers the counts alone (`transitions` is not part of the API's answer) and sends the
 * moments; an import sends none (history is not news).
 */
export type LedgerServerOrdersResult = ServerOrdersResult & { transitions: PurchaseTransition[] }

/** A moment a person reached, by occurrence (the daily scan's state, `person_moments`). */
export type PersonMoment = { personId: string; type: MomentType; occurrence: string }

/**
 * A moment a purchase caused for a customer person (`c:…`): became returning, became repeat, or
 * won back. The caller sends it (moments/transitions.ts), naming the customer by their id.
 */
export type PurchaseTransition = PersonMoment & {
  type: 'customer.became_returning' | 'customer.became_repeat' | 'customer.won_back'
  /** Plain values only, so the type survives RPC. */
  data: Record<string, string | number | null>
}

/** One customer as the daily moment scan reads them. */
export type MomentScanCustomer = {
  personId: string
  lastPurchaseAt: number
  /** Counted purchase days (local), oldest first, revenue in the site's currency. */
  days: { day: string; revenueMicros: number }[]
  /** Moments already recorded for them. */
  recorded: { type: string; occurrence: string }[]
}

/** A page of the scan; `next` is the cursor for the next page (null: done). */
export type MomentScanPage = { customers: MomentScanCustomer[]; next: string | null }

export type HolderExposure = {
  ruleId: string
  visitorId: string
  firstExposedAt: number
  rulesetVersion: number
}

/** A code looked up for one holder. */
export type CodeLookup = {
  /** Anyone was ever served this code (else it is unknown). */
  isKnown: boolean
  /** The holder's earliest exposure that served it, if the holder was served it. */
  exposure: HolderExposure | null
  /** The person the request's visitor belongs to (null: never seen, or a customer request). */
  visitorPerson: string | null
}

export type Redemption = {
  code: string
  holder: string
  ruleId: string
  orderId: string | null
  isUniqueCode: boolean
}

/** Whose data export and erase act on. */
export type SubjectRef = { visitorId: string } | { customerPerson: string }

/** A row as stored: column names as in the table, event `data` as JSON text. */
export type LedgerRow = Record<string, string | number | null>

/**
 * Everything held about a subject, table by table, rows whole (every column, present and
 * future); the privacy domain shapes them for its answer.
 */
export type SubjectRows = {
  personId: string
  visitors: LedgerRow[]
  visits: LedgerRow[]
  events: LedgerRow[]
  orders: LedgerRow[]
  exposures: LedgerRow[]
  offerRedemptions: LedgerRow[]
  dailySegmentVisitors: LedgerRow[]
}

/** The tables erase deletes from, as named in its answer. */
export type ErasedTable =
  | 'events'
  | 'visits'
  | 'orders'
  | 'exposures'
  | 'daily_segment_visitors'
  | 'offer_redemptions'
  | 'visitors'

export type BotRequestKind = 'events' | 'decides'
export type BotDay = { day: string; events: number; decides: number }

export type PurgeOptions = {
  /** Rows deleted (or cleared) per transaction. */
  chunkSize?: number
  /** Chunks per run and kind of data; whatever is left is purged by the next run. */
  maxChunks?: number
}

export type PurgeResult = { deleted: number; isComplete: boolean }

export type RetentionPurge = { events: PurgeResult; visitUrls: PurgeResult; exposures: PurgeResult }

/** Per segment over a range of local days: sums, and the distinct visitors. */
export type SegmentPartial = {
  segment: Segment
  visits: number
  convertedVisits: number
  orders: number
  revenueMicros: number
  visitors: number
}

/**
 * The gaps between one purchase visit and the same person's next, up to the end of a range: how
 * many, how many per whole day (mergeable across objects), and the two middle values (equal when
 * the count is odd) from which one object's exact median is their mean.
 */
export type GapPartial = {
  count: number
  histogram: { days: number; gaps: number }[]
  middle: { lower: number; upper: number } | null
}

/** Customer counts as of the end of a range (people: all browsers of a customer are one). */
export type CustomerPartial = {
  /** People with a purchase before the end. */
  total: number
  /** People with two or more purchase visits before the end. */
  repeaters: number
  /** Revenue (site currency) of every order before the end. */
  revenueMicros: number
  newInRange: number
  /** People with a purchase in the lapse window before the start / before the end. */
  activeAtStart: number
  activeAtEnd: number
  gaps: GapPartial
}

export type CohortCell = { cohort: string; month: string; customers: number }

export type OfferArmPartial = {
  ruleId: string
  variant: 'treatment' | 'control'
  exposed: number
  converted: number
  revenueMicros: number
  discountMicros: number
}

/**
 * Every metric of a range as mergeable parts (sums, counts, histograms): the worker turns them
 * into ratios (`src/metrics/partials.ts`); the parts of several objects would be added first.
 */
export type MetricsPartial = {
  segments: SegmentPartial[]
  customers: CustomerPartial
  cohorts: CohortCell[]
  offerArms: OfferArmPartial[]
  botDays: BotDay[]
  conflicts: number
}

/** The history tables, counted: what `storage migrate` compares with D1. */
export type LedgerCounts = Record<
  | 'visitors'
  | 'people'
  | 'visits'
  | 'orders'
  | 'events'
  | 'exposures'
  | 'offer_redemptions'
  | 'webhook_deliveries'
  | 'bot_requests',
  number
>

/** Where a rebuild continues: its phase, and the last person id done in it. */
export type RebuildCursor = { phase: 'people' | 'customers' | 'rollups'; after: string }

/**
 * Where a copy from D1 continues: the table and the primary key of the last row copied; past the
 * last table, the rebuild and where it stands (null: not started).
 */
export type CopyCursor = {
  table: number
  after: (string | number)[] | null
  rebuild?: RebuildCursor | null
}

export type CopyProgress = {
  /** null: everything is copied and the counters and rollups were rebuilt. */
  cursor: CopyCursor | null
  /** Rows newly inserted by this call, per table (rows already there are left as they are). */
  inserted: Record<string, number>
}

export type StorageStats = { databaseSize: number; counts: LedgerCounts }

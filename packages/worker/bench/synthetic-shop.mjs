// The synthetic shop for `pnpm bench:metrics`: by default 100,000 visitors, 1,000,000 events and
// 50,000 orders over 400 days, streamed from a fixed seed (same input, same shop) as the facts the
// ledger stores (src/ledger/bench-load.ts), plus `expectedTotals`, an independent count of what the
// metrics must say about a range.

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
const CURRENCY = 'USD'

/** The shape of the shop; `version` changes whenever the generator would write other rows. */
export const SHOP = {
  version: 1,
  seed: 20261123,
  visitors: 100_000,
  events: 1_000_000,
  orders: 50_000,
  days: 400,
  /** The last local day (UTC: the demo site's zone) with data; ranges are measured up to it. */
  lastDay: '2026-10-31',
}

/**
 * Rules with a holdout, each shown to one segment during the last `days` days. `rate`: share of the
 * segment's visits in that period that are served it; `boost`: how much likelier a treated visit is
 * to order; `discount`: share of the order taken off by the offer.
 */
const RULES = [
  {
    id: 'welcome-offer',
    segment: 'shopper',
    days: 120,
    rate: 0.03,
    holdout: 0.1,
    boost: 1.3,
    discount: 0.1,
    code: 'WELCOME10',
  },
  {
    id: 'come-back',
    segment: 'returning',
    days: 90,
    rate: 0.3,
    holdout: 0.2,
    boost: 1.2,
    discount: 0.15,
    code: 'THANKS15',
  },
  {
    id: 'vip-banner',
    segment: 'repeat',
    days: 60,
    rate: 0.3,
    holdout: 0.1,
    boost: 1.1,
    discount: 0,
    code: null,
  },
]

// Chance that a visit has an order, by the segment it started in; a shopper's first visit is the
// least likely, so orders concentrate on returning and repeat visits.
const ORDER_RATE = { firstVisit: 0.097, shopper: 0.194, returning: 0.485, repeat: 0.63 }

const LANDING_PAGES = [
  '/',
  '/',
  '/collections/new',
  '/products/linen-shirt',
  '/products/wool-socks',
  '/sale',
]
const REFERRERS = [
  null,
  null,
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.instagram.com/',
  'https://newsletter.example/',
]

/** mulberry32: a small seeded PRNG, so every run builds the same shop. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function segmentOf(purchaseVisits) {
  return purchaseVisits === 0 ? 'shopper' : purchaseVisits === 1 ? 'returning' : 'repeat'
}

/** The worker's `toMicros`, so revenue is rounded exactly as on the write path. */
function toMicros(amount) {
  return Math.round(amount * 1_000_000)
}

function dayOf(instant) {
  return new Date(instant).toISOString().slice(0, 10)
}

function pick(rand, items) {
  return items[Math.floor(rand() * items.length)]
}

/**
 * The shop's visitors one at a time, each with its visits, orders and exposures: the simulation
 * both the in-memory shop and the streamed one (`streamShop`) are made of. `rand` is consumed in
 * the same order either way, so a seed gives the same visitors.
 */
function* visitorsOf(shape, scale, rand) {
  const end = Date.parse(`${shape.lastDay}T00:00:00Z`) + DAY_MS
  const start = end - shape.days * DAY_MS
  let orderCount = 0
  for (let v = 0; v < shape.visitors; v++) {
    const visitorId = `sv${v.toString(36).padStart(4, '0')}`
    // A growing shop: first visits get likelier towards the end (density 1 + 2x over the span).
    const x = (Math.sqrt(1 + 8 * rand()) - 1) / 2
    let at = start + Math.floor(x * (end - start - DAY_MS))
    // Most visitors come once; the others come back a few times.
    let visitCount = 1
    if (rand() >= 0.55) {
      visitCount = 2
      while (visitCount < 30 && rand() < 0.7) visitCount++
    }
    const exposures = new Map()
    const visits = []
    const orders = []
    const visitor = {
      visitorId,
      firstSeenAt: at,
      lastSeenAt: at,
      visits: 0,
      orders: 0,
      purchaseVisits: 0,
      revenueMicros: 0,
      lastPurchaseAt: null,
    }
    for (let n = 0; n < visitCount && at < end - 2 * 60 * MINUTE_MS; n++) {
      const visitId = `${visitorId}-${n}`
      const segment = segmentOf(visitor.purchaseVisits)
      const visit = {
        visitorId,
        visitId,
        startedAt: at,
        day: dayOf(at),
        segment,
        hasPurchase: false,
        url: `https://shop.example${pick(rand, LANDING_PAGES)}`,
        referrer: pick(rand, REFERRERS),
        orders: [],
        lastEventAt: at,
      }
      let orderRate = (n === 0 ? ORDER_RATE.firstVisit : ORDER_RATE[segment]) * scale
      let discountShare = 0
      for (const rule of RULES) {
        if (rule.segment !== segment || at < end - rule.days * DAY_MS || rand() >= rule.rate)
          continue
        const key = `${rule.id}|${visitorId}`
        let exposure = exposures.get(key)
        if (!exposure) {
          const variant = rand() < rule.holdout ? 'control' : 'treatment'
          exposure = {
            ruleId: rule.id,
            visitorId,
            variant,
            firstExposedAt: at + 1000,
            firstVisitId: visitId,
            lastExposedAt: at + 1000,
            lastVisitId: visitId,
            visitsExposed: 1,
            offerCode: null,
          }
          exposures.set(key, exposure)
        } else {
          exposure.visitsExposed++
          exposure.lastExposedAt = at + 1000
          exposure.lastVisitId = visitId
        }
        if (exposure.variant === 'treatment') {
          orderRate *= rule.boost
          discountShare = Math.max(discountShare, rule.discount)
          if (rule.code) exposure.offerCode = rule.code
        }
      }
      if (orderCount < shape.orders && rand() < orderRate) {
        const count = orderCount + 1 < shape.orders && rand() < 0.06 ? 2 : 1
        for (let k = 0; k < count; k++) {
          // About $49 median, long tail; whole cents like a real checkout.
          const cents = Math.max(500, Math.round(Math.exp(3.9 + 0.6 * gaussian(rand)) * 100))
          const revenue = cents / 100
          const discount = discountShare > 0 ? Math.round(cents * discountShare) / 100 : 0
          const placedAt = at + (2 + Math.floor(rand() * 40)) * MINUTE_MS + k * MINUTE_MS
          const order = {
            orderId: `so${orderCount.toString(36)}`,
            eventId: `${visitId}-p${k}`,
            visitorId,
            visitId,
            revenue,
            revenueMicros: toMicros(revenue),
            // A few orders in another currency: counted as orders, not as revenue.
            currency: rand() < 0.01 ? 'EUR' : CURRENCY,
            discount,
            discountMicros: toMicros(discount),
            placedAt,
            day: dayOf(placedAt),
          }
          visit.orders.push(order)
          orders.push(order)
          orderCount++
          visitor.orders++
          if (order.currency === CURRENCY) visitor.revenueMicros += order.revenueMicros
          visitor.lastPurchaseAt = Math.max(visitor.lastPurchaseAt ?? 0, placedAt)
          visit.lastEventAt = Math.max(visit.lastEventAt, placedAt)
        }
        visit.hasPurchase = true
        visitor.purchaseVisits++
        // Customers come back: a purchase in the last planned visit sometimes earns another one.
        if (n === visitCount - 1 && visitCount < 30 && rand() < 0.35) visitCount++
      }
      visits.push(visit)
      visitor.visits++
      // Next visit: hours to months later, never while this one is still going.
      at += 2 * 60 * MINUTE_MS + Math.floor(-Math.log(1 - rand()) * 25 * DAY_MS)
    }
    yield { visitor, visits, orders, exposures: [...exposures.values()] }
  }
}

/** Standard normal (Box-Muller). */
function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

/**
 * What `GET /v1/admin/metrics?from&to` must report for this shop, computed here from the generated
 * rows (not from the database): per segment visits, orders, revenue and distinct visitors of the
 * visits that began on local days [from, to], every order going with its visit; customers who
 * ordered before the end of `to`; per rule and variant, visitors first exposed in the range.
 * @example expectedTotals(shop, '2026-10-02', '2026-10-31').totals.visits
 */
export function expectedTotals(shop, from, to) {
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS
  const start = Date.parse(`${from}T00:00:00Z`)
  const segments = Object.fromEntries(
    ['shopper', 'returning', 'repeat'].map((segment) => [
      segment,
      { visitors: new Set(), visits: 0, convertedVisits: 0, orders: 0, revenueMicros: 0 },
    ]),
  )
  for (const visit of shop.visits) {
    if (visit.day < from || visit.day > to) continue
    const s = segments[visit.segment]
    s.visitors.add(visit.visitorId)
    s.visits++
    if (visit.hasPurchase) s.convertedVisits++
    for (const order of visit.orders) {
      s.orders++
      if (order.currency === shop.currency) s.revenueMicros += order.revenueMicros
    }
  }
  const customers = new Set(
    shop.orders.filter((order) => order.placedAt < end).map((order) => order.visitorId),
  )
  const offers = {}
  for (const exposure of shop.exposures) {
    if (exposure.firstExposedAt < start || exposure.firstExposedAt >= end) continue
    offers[exposure.ruleId] ??= { treatment: 0, control: 0 }
    offers[exposure.ruleId][exposure.variant]++
  }
  const bySegment = Object.fromEntries(
    Object.entries(segments).map(([segment, s]) => [
      segment,
      {
        visitors: s.visitors.size,
        visits: s.visits,
        convertedVisits: s.convertedVisits,
        orders: s.orders,
        revenueMicros: s.revenueMicros,
      },
    ]),
  )
  const sum = (key) => Object.values(bySegment).reduce((total, s) => total + s[key], 0)
  return {
    segments: bySegment,
    totals: { visits: sum('visits'), orders: sum('orders'), revenueMicros: sum('revenueMicros') },
    customers: customers.size,
    offers,
  }
}

/**
 * How `streamShop` makes a shape's shop: the order-rate scale that reaches its order target
 * (found by counting) and the page views per visit that bring it to
 * about `shape.events`. Computed once, it can be passed to several streams of the same shop.
 * @example const plan = planShop(shape)
 */
export function planShop(shape) {
  let scale = 1
  for (let attempt = 0; attempt < 8; attempt++) {
    let orders = 0
    let visits = 0
    for (const simulated of visitorsOf(shape, scale, random(shape.seed))) {
      orders += simulated.orders.length
      visits += simulated.visits.length
    }
    if (orders >= shape.orders)
      return {
        scale,
        pageviewsPerVisit: Math.max(0, (shape.events - 2 * visits - orders) / visits),
      }
    scale *= (shape.orders / Math.max(1, orders)) * 1.01
  }
  throw new Error('synthetic shop: could not reach the order target')
}

/**
 * The shop of `shape` streamed in chunks of whole visitors, never held in memory at once (at
 * 1,000,000 visitors it has about 10,000,000 events). Visitors, visits, orders and exposures come
 * from the seed; events come from a random stream of their own (each
 * visit: its `visit` event, page views drawn so the shop has about `shape.events`, one purchase
 * event per order). Each chunk holds row arrays in the
 * column orders of src/ledger/bench-load.ts (only those of `tables`, when given); `onChunk` is
 * awaited before the next is made. Returns the counts and, for each of `ranges`, what its
 * metrics must say (see `expectedTotals`).
 * @example const { counts, expected } = await streamShop(shape, { ranges }, (rows) => send(rows))
 */
export async function streamShop(
  shape,
  { visitorsPerChunk = 2000, ranges = [], plan = planShop(shape), tables = null },
  onChunk,
) {
  const { scale, pageviewsPerVisit } = plan
  const eventRand = random(shape.seed ^ 0x5bd1e995)
  const totals = ranges.map((range) => expectedAccumulator(range.from, range.to))
  const counts = { visitors: 0, visits: 0, orders: 0, events: 0, exposures: 0 }
  const wants = (table) => tables === null || tables.includes(table)
  let chunk = emptyChunk()
  for (const simulated of visitorsOf(shape, scale, random(shape.seed))) {
    const { visitor, visits, orders, exposures } = simulated
    // Events are drawn for every stream (the visitor's last sight depends on them), but made into
    // rows only when asked for.
    const events = []
    let lastSeenAt = visitor.firstSeenAt
    for (const visit of visits) {
      const { visitorId, visitId, startedAt } = visit
      const landing = visit.referrer
        ? { url: visit.url, referrer: visit.referrer }
        : { url: visit.url }
      events.push([`${visitId}-v`, visitorId, visitId, 'visit', startedAt, landing])
      const pageviews = 1 + poisson(eventRand, pageviewsPerVisit)
      for (let p = 0; p < pageviews; p++) {
        const at = startedAt + (p + 1) * 45_000
        events.push([
          `${visitId}-${p}`,
          visitorId,
          visitId,
          'pageview',
          at,
          { url: `https://shop.example/products/${p % 97}` },
        ])
        lastSeenAt = Math.max(lastSeenAt, at)
      }
      for (const order of visit.orders) {
        const purchase = {
          orderId: order.orderId,
          revenue: order.revenue,
          currency: order.currency,
        }
        if (order.discount > 0) purchase.discount = order.discount
        events.push([order.eventId, visitorId, visitId, 'purchase', order.placedAt, purchase])
        lastSeenAt = Math.max(lastSeenAt, order.placedAt)
      }
    }
    if (wants('visitors')) chunk.visitors.push([visitor.visitorId, visitor.firstSeenAt, lastSeenAt])
    if (wants('visits'))
      for (const v of visits)
        chunk.visits.push([
          v.visitorId,
          v.visitId,
          v.startedAt,
          v.day,
          v.segment,
          v.hasPurchase ? 1 : 0,
          v.url,
          v.referrer,
        ])
    if (wants('orders'))
      for (const o of orders)
        chunk.orders.push([
          o.orderId,
          o.eventId,
          o.visitorId,
          o.visitId,
          o.revenueMicros,
          o.discountMicros,
          o.currency,
          o.placedAt,
          o.day,
        ])
    if (wants('events'))
      for (const event of events)
        chunk.events.push([...event.slice(0, 5), JSON.stringify(event[5])])
    if (wants('exposures'))
      for (const e of exposures)
        chunk.exposures.push([
          e.ruleId,
          e.visitorId,
          e.variant,
          e.firstExposedAt,
          e.firstVisitId,
          e.lastExposedAt,
          e.lastVisitId,
          e.visitsExposed,
          e.offerCode,
        ])
    for (const total of totals) total.add(visits, orders, exposures)
    counts.visitors++
    counts.visits += visits.length
    counts.orders += orders.length
    counts.events += events.length
    counts.exposures += exposures.length
    if (counts.visitors % visitorsPerChunk === 0) {
      await onChunk(chunk)
      chunk = emptyChunk()
    }
  }
  if (counts.visitors % visitorsPerChunk !== 0) await onChunk(chunk)
  return {
    counts,
    plan,
    expected: Object.fromEntries(ranges.map((range, i) => [range.name, totals[i].result()])),
  }
}

function emptyChunk() {
  return { visitors: [], visits: [], orders: [], events: [], exposures: [] }
}

/** A Poisson draw (Knuth's method: the means here are small). */
function poisson(rand, mean) {
  const limit = Math.exp(-mean)
  let count = 0
  for (let product = rand(); product > limit; product *= rand()) count++
  return count
}

/** `expectedTotals` of one range, added up visitor by visitor. */
function expectedAccumulator(from, to) {
  const shop = { currency: CURRENCY, visits: [], orders: [], exposures: [] }
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS
  const start = Date.parse(`${from}T00:00:00Z`)
  const customers = new Set()
  const kept = { visits: [], exposures: [] }
  return {
    add(visits, orders, exposures) {
      for (const visit of visits) if (visit.day >= from && visit.day <= to) kept.visits.push(visit)
      for (const order of orders) if (order.placedAt < end) customers.add(order.visitorId)
      for (const e of exposures)
        if (e.firstExposedAt >= start && e.firstExposedAt < end) kept.exposures.push(e)
    },
    result() {
      const totals = expectedTotals(
        { ...shop, visits: kept.visits, exposures: kept.exposures },
        from,
        to,
      )
      return { ...totals, customers: customers.size }
    },
  }
}

// Realistic data for `pnpm bench`, sent through the public API like a browser would: a few hundred
// visitors with one to four visits each, page views, and orders for about two in three of them,
// plus the visitor the reference read route and decide look up.

/** Visitor ids the events load spreads its page views over. */
export const SEED_VISITOR_IDS = Array.from({ length: 300 }, (_, i) => `seed-${i}`)

const PARALLEL_REQUESTS = 8

/**
 * Seeds the demo site (pk_demo) through `POST /v1/events`. `bench-visitor` gets three visits with
 * an order in the first two, so decide classifies them as `repeat` in a later visit.
 * @example await seedVisitors('http://127.0.0.1:8787')
 */
export async function seedVisitors(url) {
  const batches = []
  SEED_VISITOR_IDS.forEach((visitorId, i) => {
    const visitCount = 1 + (i % 4)
    const isCustomer = i % 3 !== 0
    for (let v = 0; v < visitCount; v++) {
      const hasOrder = isCustomer && (v === 0 || v % 2 === 1)
      batches.push(
        visitBatch(
          visitorId,
          `${visitorId}-v${v}`,
          hasOrder ? 20 + ((i * 7 + v * 13) % 180) : null,
        ),
      )
    }
  })
  for (let v = 0; v < 3; v++)
    batches.push(visitBatch('bench-visitor', `bench-visitor-v${v}`, v < 2 ? 49.9 : null))

  let next = 0
  const worker = async () => {
    while (next < batches.length) await postEvents(url, batches[next++])
  }
  await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, worker))
  return {
    visitors: SEED_VISITOR_IDS.length + 1,
    visits: batches.length,
    orders: batches.filter((batch) => batch.events.some((event) => event.type === 'purchase'))
      .length,
  }
}

function visitBatch(visitorId, visitId, revenue) {
  const events = [
    {
      id: `${visitId}-e0`,
      type: 'visit',
      url: 'http://localhost/',
      referrer: 'https://www.google.com/',
    },
    { id: `${visitId}-e1`, type: 'pageview', url: 'http://localhost/products/1' },
    { id: `${visitId}-e2`, type: 'pageview', url: 'http://localhost/cart' },
  ]
  if (revenue !== null) {
    events.push({
      id: `${visitId}-e3`,
      type: 'purchase',
      orderId: `order-${visitId}`,
      revenue,
      currency: 'USD',
    })
  }
  return { site: 'pk_demo', visitorId, visitId, events }
}

async function postEvents(url, batch) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(batch),
  })
  if (!response.ok)
    throw new Error(
      `seeding failed: /v1/events answered ${response.status} ${await response.text()}`,
    )
}

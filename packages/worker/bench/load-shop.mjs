// Writes a generated shop (synthetic-shop.mjs) straight into a local D1 state folder, with the
// same rows the worker writes, in the order that makes the migrations' triggers build the daily
// rollups exactly as in production: visits first (has_purchase = 0), then their orders, then
// has_purchase = 1 on the visits that have one. Rows travel as one JSON parameter per statement
// (`INSERT ... SELECT ... FROM json_each(?1)`) through wrangler's `getPlatformProxy`, a few
// hundred thousand rows per `db.batch`, which is one transaction: about a minute for the whole shop
// instead of hours through `POST /v1/events`.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { getPlatformProxy } from 'wrangler'
import { workerDir } from '../../../scripts/local-worker.mjs'

const run = promisify(execFile)
const wrangler = `${workerDir}/node_modules/.bin/wrangler`
const wranglerEnv = {
  ...process.env,
  CI: 'true',
  WRANGLER_SEND_METRICS: 'false',
  NO_D1_WARNING: 'true',
}

/** Rows per statement (one JSON parameter) and statements per batch (one transaction). */
const ROWS_PER_STATEMENT = 5000
const STATEMENTS_PER_BATCH = 20

/** `wrangler d1 migrations apply` and the demo site, as `startLocalWorker` does. */
export async function prepareState(persistTo) {
  const local = ['--local', '--persist-to', persistTo]
  await run(wrangler, ['d1', 'migrations', 'apply', 'DB', ...local], {
    cwd: workerDir,
    env: wranglerEnv,
  })
  await run(wrangler, ['d1', 'execute', 'DB', ...local, '--file', 'seed/demo-site.sql'], {
    cwd: workerDir,
    env: wranglerEnv,
  })
}

/**
 * The local D1 of a state folder as a binding in this process (`wrangler --persist-to DIR` keeps
 * its data under DIR/v3). Call `dispose` before `wrangler dev` opens the same folder.
 * @example const { db, dispose } = await openState(dir)
 */
export async function openState(persistTo) {
  const proxy = await getPlatformProxy({
    configPath: `${workerDir}/wrangler.jsonc`,
    persist: { path: `${persistTo}/v3` },
  })
  return { db: proxy.env.DB, dispose: () => proxy.dispose() }
}

/**
 * Loads the shop; `onProgress(table, rows)` after each batch. Returns seconds per table.
 * @example await loadShop(db, generateShop(), (table, rows) => console.log(table, rows))
 */
export async function loadShop(db, shop, onProgress = () => {}) {
  const site = shop.siteId
  const seconds = {}
  // Once visitors have a person (migration 0004), an unidentified visitor is its own person, as
  // the worker writes it; generated visitors never identify.
  const hasPerson = await hasColumn(db, 'visitors', 'person_id')
  const steps = [
    [
      'visitors',
      // What recomputeVisitorStatement leaves after the visitor's last batch.
      `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, visits, orders, purchase_visits, revenue_micros, last_purchase_at${hasPerson ? ', person_id' : ''})
       SELECT ?2, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7${hasPerson ? ', value->>0' : ''} FROM json_each(?1)`,
      shop.visitors.map((v) => [
        v.visitorId,
        v.firstSeenAt,
        v.lastSeenAt,
        v.visits,
        v.orders,
        v.purchaseVisits,
        v.revenueMicros,
        v.lastPurchaseAt,
      ]),
    ],
    [
      'visits',
      // has_purchase starts at 0, as when the visit's first batch is written: visits_rollup counts it.
      `INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, url, referrer, day)
       SELECT ?2, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each(?1)`,
      shop.visits.map((v) => [
        v.visitorId,
        v.visitId,
        v.startedAt,
        v.segment,
        v.url,
        v.referrer,
        v.day,
      ]),
    ],
    [
      'orders',
      // After their visits: orders_rollup adds each order to its visit's day and segment.
      `INSERT INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros)
       SELECT ?2, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?1)`,
      shop.orders.map((o) => [
        o.orderId,
        o.eventId,
        o.visitorId,
        o.visitId,
        o.revenueMicros,
        o.currency,
        o.placedAt,
        o.day,
        o.discountMicros,
      ]),
    ],
    [
      'purchase visits',
      // The worker's UPDATE after a visit's orders: visits_converted_rollup counts the visit once.
      `UPDATE visits SET has_purchase = 1
       WHERE site_id = ?2 AND has_purchase = 0 AND (visitor_id, visit_id) IN (SELECT value->>0, value->>1 FROM json_each(?1))`,
      shop.visits.filter((v) => v.hasPurchase).map((v) => [v.visitorId, v.visitId]),
    ],
    [
      'events',
      `INSERT INTO events (site_id, event_id, visitor_id, visit_id, type, received_at, data)
       SELECT ?2, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?1)`,
      shop.events,
    ],
    [
      'exposures',
      `INSERT INTO exposures (site_id, rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id, last_exposed_at, last_visit_id, visits_exposed, offer_code)
       SELECT ?2, value->>0, value->>1, value->>2, 1, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?1)`,
      shop.exposures.map((e) => [
        e.ruleId,
        e.visitorId,
        e.variant,
        e.firstExposedAt,
        e.firstVisitId,
        e.lastExposedAt,
        e.lastVisitId,
        e.visitsExposed,
        e.offerCode,
      ]),
    ],
  ]
  for (const [table, sql, rows] of steps) {
    const started = performance.now()
    const statement = db.prepare(sql)
    const perBatch = ROWS_PER_STATEMENT * STATEMENTS_PER_BATCH
    for (let offset = 0; offset < rows.length; offset += perBatch) {
      const batch = []
      for (let i = offset; i < Math.min(rows.length, offset + perBatch); i += ROWS_PER_STATEMENT) {
        batch.push(statement.bind(JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT)), site))
      }
      await db.batch(batch)
      onProgress(table, Math.min(rows.length, offset + perBatch))
    }
    seconds[table] = (performance.now() - started) / 1000
  }
  return seconds
}

async function hasColumn(db, table, column) {
  const { results } = await db.prepare('SELECT name FROM pragma_table_info(?1)').bind(table).all()
  return results.some((row) => row.name === column)
}

/**
 * Row counts straight from the database, and the rollups' own totals, checked against the shop:
 * a loader that dropped rows or bypassed a trigger fails here, before anything is timed.
 */
export async function checkLoaded(db, shop) {
  const count = async (sql) => (await db.prepare(sql).bind(shop.siteId).first()).n
  const actual = {
    visitors: await count('SELECT count(*) AS n FROM visitors WHERE site_id = ?1'),
    visits: await count('SELECT count(*) AS n FROM visits WHERE site_id = ?1'),
    orders: await count('SELECT count(*) AS n FROM orders WHERE site_id = ?1'),
    events: await count('SELECT count(*) AS n FROM events WHERE site_id = ?1'),
    exposures: await count('SELECT count(*) AS n FROM exposures WHERE site_id = ?1'),
    rollupVisits: await count(
      'SELECT coalesce(sum(visits), 0) AS n FROM daily_segment_stats WHERE site_id = ?1',
    ),
    rollupConverted: await count(
      'SELECT coalesce(sum(converted_visits), 0) AS n FROM daily_segment_stats WHERE site_id = ?1',
    ),
    rollupOrders: await count(
      'SELECT coalesce(sum(orders), 0) AS n FROM daily_segment_stats WHERE site_id = ?1',
    ),
    visitorsWithoutPerson: (await hasColumn(db, 'visitors', 'person_id'))
      ? await count('SELECT count(*) AS n FROM visitors WHERE site_id = ?1 AND person_id IS NULL')
      : 0,
  }
  const expected = {
    visitors: shop.visitors.length,
    visits: shop.visits.length,
    orders: shop.orders.length,
    events: shop.events.length,
    exposures: shop.exposures.length,
    rollupVisits: shop.visits.length,
    rollupConverted: shop.visits.filter((v) => v.hasPurchase).length,
    rollupOrders: shop.orders.length,
    visitorsWithoutPerson: 0,
  }
  const wrong = Object.keys(expected).filter((key) => actual[key] !== expected[key])
  if (wrong.length > 0) {
    throw new Error(
      `the loaded state does not match the shop: ${wrong.map((key) => `${key} ${actual[key]} (expected ${expected[key]})`).join(', ')}`,
    )
  }
  return actual
}

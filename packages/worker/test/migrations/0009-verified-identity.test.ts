// Migration 0009 on data written in the shape before it: raw customer keys move under `id:`
// everywhere they are keys (and nowhere else), email hashes stay, nothing collides, and the
// verified counters are filled in from the orders. Runs on a database of its own.
import { applyD1Migrations, env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { customerPersonId } from '../../src/identity/customer-key'

const db = env.MIGRATION_TEST_DB
const EMAIL_KEY = 'h_0123456789abcdef0123456789abcdef'
const CODE_SECRET = 'code-secret-of-the-migration-test'

async function rows(sql: string): Promise<unknown[]> {
  return (await db.prepare(sql).all()).results
}

beforeAll(async () => {
  await applyD1Migrations(
    db,
    env.TEST_MIGRATIONS.filter((migration) => migration.name < '0009'),
  )
  const at = Date.parse('2026-03-01T10:00:00Z')
  const statements = [
    `INSERT INTO sites (id, name, public_key, secret_key_hash, code_secret, currency, created_at) VALUES ('s1', 'Old shop', 'pk_old', 'hash', '${CODE_SECRET}', 'USD', ${at})`,
    // Raw customer "cust-42": a browser and the history row, as 0004-0008 stored them.
    `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id, visits, orders, purchase_visits, verified_purchase_visits)
       VALUES ('s1', 'phone', ${at}, ${at}, 'c:cust-42', 2, 2, 2, 1), ('s1', 'c:cust-42', ${at}, ${at}, 'c:cust-42', 2, 2, 2, 1)`,
    `INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, has_purchase, has_verified_purchase, day, tracked)
       VALUES ('s1', 'phone', 'p1', ${at}, 'shopper', 1, 0, '2026-03-01', 1),
              ('s1', 'c:cust-42', 'import-2026-01-10', ${at - 50 * 86_400_000}, 'shopper', 1, 1, '2026-01-10', 0)`,
    `INSERT INTO orders (site_id, order_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, verified, source)
       VALUES ('s1', 'o1', 'phone', 'p1', 10000000, 'USD', ${at}, '2026-03-01', 0, 'browser'),
              ('s1', 'o2', 'c:cust-42', 'import-2026-01-10', 20000000, 'USD', ${at - 50 * 86_400_000}, '2026-01-10', 1, 'import')`,
    `INSERT INTO offer_redemptions (site_id, code, holder, rule_id, redeemed_at) VALUES ('s1', 'BACK-1', 'c:cust-42', 'back', ${at}), ('s1', 'BACK-2', 'c:${EMAIL_KEY}', 'back', ${at}), ('s1', 'BACK-3', 'visitor:phone', 'back', ${at})`,
    `INSERT INTO events (site_id, event_id, visitor_id, visit_id, type, received_at, data)
       VALUES ('s1', 'e1', 'phone', 'p1', 'identify', ${at}, '{"customerKey":"cust-42"}'),
              ('s1', 'e2', 'laptop', 'l1', 'identify', ${at}, '{"customerKey":"${EMAIL_KEY}"}'),
              ('s1', 'e3', 'phone', 'p1', 'track', ${at}, '{"name":"c:cust-42"}')`,
    // An email customer: its key is a hash and stays.
    `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id, verified_purchase_visits) VALUES ('s1', 'laptop', ${at}, ${at}, 'c:${EMAIL_KEY}', 1)`,
    `INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, has_purchase, has_verified_purchase, day) VALUES ('s1', 'laptop', 'l1', ${at}, 'shopper', 1, 1, '2026-03-01')`,
    `INSERT INTO orders (site_id, order_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, verified, source)
       VALUES ('s1', 'o3', 'laptop', 'l1', 30000000, 'USD', ${at}, '2026-03-01', 1, 'server')`,
    // Raw ids "x" and "id:x": "x" becomes "id:x", the very key "id:x" had. Nothing may collide.
    `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES ('s1', 'c:x', ${at}, ${at}, 'c:x'), ('s1', 'c:id:x', ${at}, ${at}, 'c:id:x')`,
    `INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, day, tracked)
       VALUES ('s1', 'c:x', 'import-2026-02-01', ${at}, 'shopper', '2026-02-01', 0), ('s1', 'c:id:x', 'import-2026-02-01', ${at}, 'shopper', '2026-02-01', 0)`,
    // A plain browser visitor is left alone.
    `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES ('s1', 'anon', ${at}, ${at}, 'anon')`,
  ]
  await db.batch(statements.map((sql) => db.prepare(sql)))
  await applyD1Migrations(
    db,
    env.TEST_MIGRATIONS.filter((migration) => migration.name.startsWith('0009')),
  )
})

describe('migration 0009', () => {
  it('moves raw customer keys under id: in every key, and leaves email hashes and browsers alone', async () => {
    expect(
      await rows(
        "SELECT visitor_id, person_id FROM visitors WHERE site_id = 's1' ORDER BY visitor_id",
      ),
    ).toEqual([
      { visitor_id: 'anon', person_id: 'anon' },
      { visitor_id: 'c:id:cust-42', person_id: 'c:id:cust-42' },
      { visitor_id: 'c:id:id:x', person_id: 'c:id:id:x' },
      { visitor_id: 'c:id:x', person_id: 'c:id:x' },
      { visitor_id: 'laptop', person_id: `c:${EMAIL_KEY}` },
      { visitor_id: 'phone', person_id: 'c:id:cust-42' },
    ])
    expect(
      await rows(
        "SELECT visitor_id, visit_id FROM visits WHERE site_id = 's1' ORDER BY visitor_id, visit_id",
      ),
    ).toEqual([
      { visitor_id: 'c:id:cust-42', visit_id: 'import-2026-01-10' },
      { visitor_id: 'c:id:id:x', visit_id: 'import-2026-02-01' },
      { visitor_id: 'c:id:x', visit_id: 'import-2026-02-01' },
      { visitor_id: 'laptop', visit_id: 'l1' },
      { visitor_id: 'phone', visit_id: 'p1' },
    ])
    expect(
      await rows("SELECT order_id, visitor_id FROM orders WHERE site_id = 's1' ORDER BY order_id"),
    ).toEqual([
      { order_id: 'o1', visitor_id: 'phone' },
      { order_id: 'o2', visitor_id: 'c:id:cust-42' },
      { order_id: 'o3', visitor_id: 'laptop' },
    ])
    expect(
      await rows("SELECT code, holder FROM offer_redemptions WHERE site_id = 's1' ORDER BY code"),
    ).toEqual([
      { code: 'BACK-1', holder: 'c:id:cust-42' },
      { code: 'BACK-2', holder: `c:${EMAIL_KEY}` },
      { code: 'BACK-3', holder: 'visitor:phone' },
    ])
    expect(
      await rows("SELECT event_id, data FROM events WHERE site_id = 's1' ORDER BY event_id"),
    ).toEqual([
      { event_id: 'e1', data: '{"customerKey":"id:cust-42"}' },
      { event_id: 'e2', data: `{"customerKey":"${EMAIL_KEY}"}` },
      { event_id: 'e3', data: '{"name":"c:cust-42"}' },
    ])
  })

  it('gives the keys the worker now computes for the same customer ids', async () => {
    expect(await customerPersonId(CODE_SECRET, 'cust-42')).toBe('c:id:cust-42')
    expect(await customerPersonId(CODE_SECRET, 'x')).toBe('c:id:x')
    expect(await customerPersonId(CODE_SECRET, 'id:x')).toBe('c:id:id:x')
  })

  it('fills in the verified counters of every person with a verified purchase', async () => {
    const at = Date.parse('2026-03-01T10:00:00Z')
    expect(
      await rows(
        "SELECT visitor_id, verified_orders, verified_revenue_micros, verified_last_purchase_at FROM visitors WHERE site_id = 's1' ORDER BY visitor_id",
      ),
    ).toEqual([
      {
        visitor_id: 'anon',
        verified_orders: 0,
        verified_revenue_micros: 0,
        verified_last_purchase_at: null,
      },
      {
        visitor_id: 'c:id:cust-42',
        verified_orders: 1,
        verified_revenue_micros: 20_000_000,
        verified_last_purchase_at: at - 50 * 86_400_000,
      },
      {
        visitor_id: 'c:id:id:x',
        verified_orders: 0,
        verified_revenue_micros: 0,
        verified_last_purchase_at: null,
      },
      {
        visitor_id: 'c:id:x',
        verified_orders: 0,
        verified_revenue_micros: 0,
        verified_last_purchase_at: null,
      },
      {
        visitor_id: 'laptop',
        verified_orders: 1,
        verified_revenue_micros: 30_000_000,
        verified_last_purchase_at: at,
      },
      {
        visitor_id: 'phone',
        verified_orders: 1,
        verified_revenue_micros: 20_000_000,
        verified_last_purchase_at: at - 50 * 86_400_000,
      },
    ])
  })
})

import { env } from 'cloudflare:test'
import type { DecideResponse } from '@stammis/contract'
import { expect } from 'vitest'
import {
  adminFetch,
  eventId,
  identitySigner,
  postJson,
  publishRules,
  type TestSite,
} from './helpers'
import { ledgerFor, ledgerRows, ledgerTables, siteRow } from './ledger'

/** A rule that gives every visitor a unique code, so exposures and redemptions hold ids. */
export const UNIQUE_CODE_RULE = {
  id: 'back',
  slot: 'hero',
  status: 'live',
  content: { type: 'text', value: 'Welcome back' },
  offer: { kind: 'percent', value: 10, uniqueCodes: { prefix: 'BACK', validDays: 30 } },
}

export const visit = (url = 'https://shop.example/') => ({
  type: 'visit',
  url,
  referrer: 'https://search.example/?q=grinder',
})
export const purchase = (orderId: string, revenue = 30) => ({
  type: 'purchase',
  orderId,
  revenue,
  currency: 'USD',
})
export const track = (name: string, props: object) => ({ type: 'track', name, props })

/** Sends one batch as the browser would and returns the answer. */
export async function send(
  site: TestSite,
  visitorId: string,
  visitId: string,
  events: object[],
): Promise<Record<string, unknown>> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId,
    events: events.map((e) => ({ id: eventId(), ...e })),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

/** Asks decide for the hero slot and waits until the exposure (written after the answer) is stored. */
export async function exposeCode(
  site: TestSite,
  visitorId: string,
  visitId: string,
): Promise<string> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId,
    slots: ['hero'],
  })
  const code = ((await response.json()) as DecideResponse).decisions.hero!.offer!.code!
  await expect
    .poll(
      async () =>
        (
          await siteRow<{ n: number }>(
            site.siteId,
            'SELECT count(*) AS n FROM exposures WHERE visitor_id = ?1',
            visitorId,
          )
        )?.n,
    )
    .toBe(1)
  return code
}

export async function redeem(site: TestSite, body: object): Promise<void> {
  const response = await adminFetch('/v1/admin/offers/redeem', site.secretKey, {
    method: 'POST',
    body: JSON.stringify(body),
  })
  expect(await response.json()).toMatchObject({ valid: true, redeemed: true })
}

/**
 * A shop with one customer on two devices (an email address as customer id, signed in with
 * identifies signed by the shop's server), and a stranger: visits, page views, tracked events,
 * orders, exposures with unique codes and redemptions. The phone is shown and uses its code before
 * it signs in (a code of its own, held by the visitor); the laptop after (the customer's code, held
 * by the customer).
 */
export async function seedShop(
  site: TestSite,
): Promise<{ email: string; phoneCode: string; laptopCode: string }> {
  const email = 'Ana.Lopez+shop@Example.com'
  const signedIdentify = identitySigner(site)
  await publishRules(site, [UNIQUE_CODE_RULE])
  await send(site, 'vis-phone-7q', 'p1', [visit(), purchase('ord-ana-1', 40)])
  await send(site, 'vis-phone-7q', 'p2', [
    visit(),
    { type: 'pageview', url: 'https://shop.example/grinder' },
    track('wishlist', { sku: 'grinder' }),
    purchase('ord-ana-2', 25),
  ])
  const phoneCode = await exposeCode(site, 'vis-phone-7q', 'p3')
  await redeem(site, { code: phoneCode, visitorId: 'vis-phone-7q', orderId: 'ord-ana-2' })
  await send(site, 'vis-phone-7q', 'p2', [await signedIdentify(email)])
  await send(site, 'vis-laptop-3k', 'l1', [
    visit(),
    await signedIdentify(email.toLowerCase()),
    purchase('ord-ana-3', 10),
  ])
  await send(site, 'vis-bob-9z', 'b1', [
    visit(),
    await signedIdentify('bob-42'),
    purchase('ord-bob-1', 7),
  ])
  const laptopCode = await exposeCode(site, 'vis-laptop-3k', 'l2')
  await exposeCode(site, 'vis-bob-9z', 'b2')
  await redeem(site, { code: laptopCode, customerId: email })
  return { email, phoneCode, laptopCode }
}

/** Every table of the D1 database (migrations applied), from sqlite_master. */
export async function allTables(): Promise<string[]> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>()
  return tables.results.map((row) => row.name)
}

/**
 * Every row held for the site, as one JSON text per table, to search for ids anywhere in any
 * column: every table of the site's ledger (by its name), and every D1 table (as `d1.<name>`: the
 * site's rows, or all rows of a table without a `site_id` column).
 */
export async function siteDump(siteId: string): Promise<Record<string, string>> {
  const dump: Record<string, string> = {}
  const ledger = ledgerFor(siteId)
  for (const table of await ledgerTables(ledger))
    dump[table] = JSON.stringify(await ledgerRows(ledger, `SELECT * FROM ${table}`))
  for (const table of await allTables()) {
    const columns = await env.DB.prepare(`SELECT name FROM pragma_table_info(?1)`)
      .bind(table)
      .all<{ name: string }>()
    const hasSite = columns.results.some((column) => column.name === 'site_id')
    const rows = hasSite
      ? await env.DB.prepare(`SELECT * FROM ${table} WHERE site_id = ?1`).bind(siteId).all()
      : await env.DB.prepare(`SELECT * FROM ${table}`).all()
    dump[`d1.${table}`] = JSON.stringify(rows.results)
  }
  return dump
}

/** The tables (of the site's rows) whose text contains `needle`, case-insensitively. */
export async function tablesHolding(siteId: string, needle: string): Promise<string[]> {
  const dump = await siteDump(siteId)
  return Object.keys(dump).filter((table) =>
    dump[table]!.toLowerCase().includes(needle.toLowerCase()),
  )
}

// An independent computation of what an import of CDNOW data should give, shared by
// bench/import-cdnow.mjs and cli/import.test.mjs: per customer, the orders, the distinct purchase
// days (one purchase visit per calendar day) and the revenue, read straight from the file, and
// the profile the worker gives when that customer signs in on a new device.
import { createHmac, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

/**
 * Per customer of a CDNOW_master-style file (`customer_id date number_of_cds dollar_value`,
 * one header line): orders, purchase days (YYYYMMDD) and revenue.
 * @param {string} file
 * @returns {Promise<Map<string, { id: string, orders: number, days: Set<string>, revenue: number }>>}
 */
export async function cdnowCustomers(file) {
  const customers = new Map()
  const micros = new Map()
  let isHeader = true
  for await (const text of createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Infinity,
  })) {
    if (isHeader || text.trim() === '') {
      isHeader = false
      continue
    }
    const [id, date, , dollars] = text.trim().split(/\s+/)
    const customer = customers.get(id) ?? { id, orders: 0, days: new Set(), revenue: 0 }
    customer.orders++
    customer.days.add(date)
    // Sum in micro-units, as the worker does, so the totals compare exactly.
    micros.set(id, (micros.get(id) ?? 0) + Math.round(Number(dollars) * 1_000_000))
    customers.set(id, customer)
  }
  for (const [id, sum] of micros) customers.get(id).revenue = sum / 1_000_000
  return customers
}

/** The segment for a number of earlier purchase visits (the worker's rule, restated). */
export function classify(purchaseVisits) {
  return purchaseVisits === 0 ? 'shopper' : purchaseVisits === 1 ? 'returning' : 'repeat'
}

/**
 * Creates (or replaces) the site's identity secret through the admin API, as a shop owner does
 * once, so the checks can sign customer ids like the shop's server.
 * @param {string} url the worker
 * @returns {Promise<string>}
 */
export async function createIdentitySecret(url, secretKey = 'sk_demo') {
  const response = await fetch(`${url}/v1/admin/site/identity-secret`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}` },
  })
  const body = await response.json()
  if (!response.ok)
    throw new Error(`identity secret: HTTP ${response.status} ${JSON.stringify(body)}`)
  return body.identitySecret
}

/**
 * The profile the worker answers when a customer signs in on a device it has never seen, with an
 * identify signed like the shop's server signs it (only a signed identify merges history).
 * @param {string} url the worker
 * @param {string} customerId
 * @param {string} identitySecret from `createIdentitySecret`
 */
export async function profileAfterIdentify(url, customerId, identitySecret, publicKey = 'pk_demo') {
  const signature = createHmac('sha256', identitySecret).update(customerId).digest('hex')
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'http://localhost:3000' },
    body: JSON.stringify({
      site: publicKey,
      visitorId: `check-${randomUUID()}`,
      visitId: 'login',
      events: [
        { id: randomUUID(), type: 'visit' },
        { id: randomUUID(), type: 'identify', customerId, signature },
      ],
    }),
  })
  const body = await response.json()
  if (!response.ok)
    throw new Error(`identify ${customerId}: HTTP ${response.status} ${JSON.stringify(body)}`)
  return body.profile
}

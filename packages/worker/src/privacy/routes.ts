import {
  RetentionSettingSchema,
  type BotsReport,
  type CustomerExport,
  type EraseResult,
  type RetentionSetting,
  type VisitorExport,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { readBody } from '../http/body'
import { resolveRange } from '../metrics/routes'
import { customerPersonId } from '../identity/customer-key'
import { ledgerFor, ledgerSite, type SubjectRef } from '../ledger/client'
import { eraseCustomerDeliveries } from '../moments/queries'
import type { Site } from '../sites/site'
import { toExport } from './export'
import { findRetentionDays, updateRetentionDays } from './settings'
import { bumpProfileEpoch } from '../sites/profile-epoch'

// Ids as stored: visitor ids come from browsers and servers, customer ids from the shop.
const MAX_ID_LENGTH = 256

function idParam(value: string, what: 'visitor' | 'customer'): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new ApiError('invalid_request', `id: a ${what} id is 1 to ${MAX_ID_LENGTH} characters`)
  }
  return value
}

/** A customer as the ledger holds them: by person id (emails matched through their salted hash). */
async function customerRef(site: Site, customerId: string): Promise<SubjectRef> {
  return { customerPerson: await customerPersonId(site.codeSecret, customerId) }
}

const notFound = (what: 'visitor' | 'customer', id: string) =>
  new ApiError(
    `${what}_not_found`,
    `Nothing is held about ${what} "${id}" (never seen, or already erased).`,
  )

/**
 * Privacy on the admin API (secret key or session): export and erase a visitor or a customer,
 * the retention setting, and the count of bot requests filtered.
 * @example app.route('/v1/admin', privacyRoutes)
 */
export const privacyRoutes = new Hono<AppEnv>()
  .get('/visitors/:id', async (c) => {
    const id = idParam(c.req.param('id'), 'visitor')
    const held = await ledgerFor(c.env, c.get('site').id).exportSubject({ visitorId: id })
    if (!held) throw notFound('visitor', id)
    return c.json({
      visitorId: id,
      exportedAt: new Date().toISOString(),
      ...toExport(held),
    } satisfies VisitorExport)
  })
  .delete('/visitors/:id', async (c) => {
    const id = idParam(c.req.param('id'), 'visitor')
    const site = c.get('site')
    const erased = await ledgerFor(c.env, site.id).eraseSubject(ledgerSite(site), {
      visitorId: id,
    })
    if (!erased) throw notFound('visitor', id)
    // After the erase: no profile token issued before it answers for the erased history.
    await bumpProfileEpoch(c.env.DB, site.id)
    return c.json({ erased } satisfies EraseResult)
  })
  .get('/customers/:id', async (c) => {
    const id = idParam(c.req.param('id'), 'customer')
    const site = c.get('site')
    const held = await ledgerFor(c.env, site.id).exportSubject(await customerRef(site, id))
    if (!held) throw notFound('customer', id)
    return c.json({
      customerId: id,
      exportedAt: new Date().toISOString(),
      ...toExport(held),
    } satisfies CustomerExport)
  })
  .delete('/customers/:id', async (c) => {
    const id = idParam(c.req.param('id'), 'customer')
    const site = c.get('site')
    const erased = await ledgerFor(c.env, site.id).eraseSubject(
      ledgerSite(site),
      await customerRef(site, id),
    )
    // The lifecycle moments sent about them name them too (not counted in the answer).
    await eraseCustomerDeliveries(c.env.DB, site.id, id)
    if (!erased) throw notFound('customer', id)
    await bumpProfileEpoch(c.env.DB, site.id)
    return c.json({ erased } satisfies EraseResult)
  })
  .get('/settings/retention', async (c) => {
    const retentionDays = await findRetentionDays(c.env.DB, c.get('site').id)
    return c.json({ retentionDays } satisfies RetentionSetting)
  })
  .put('/settings/retention', async (c) => {
    const { retentionDays } = await readBody(c, RetentionSettingSchema)
    await updateRetentionDays(c.env.DB, c.get('site').id, retentionDays)
    return c.json({ retentionDays } satisfies RetentionSetting)
  })
  .get('/bots', async (c) => {
    const { from, to } = resolveRange(c, Date.now())
    const days = await ledgerFor(c.env, c.get('site').id).botDays(from, to)
    const total = days.reduce(
      (sum, day) => ({ events: sum.events + day.events, decides: sum.decides + day.decides }),
      { events: 0, decides: 0 },
    )
    return c.json({ from, to, days, total } satisfies BotsReport)
  })

import type { MomentType } from '@stammis/contract'
import type { Env } from '../env'
import {
  ledgerFor,
  ledgerSite,
  type LedgerSite,
  type MomentScanCustomer,
  type PersonMoment,
} from '../ledger/client'
import { fromMicros } from '../lib/money'
import { localDay } from '../lib/time-zone'
import {
  addDays,
  customerFigures,
  isDueForReorder,
  modelGapDays,
  summarizeOrders,
  type BgNbdParams,
  type GammaGammaParams,
} from '../predictions/model'
import { isAtRisk } from '../predictions/person'
import { isLapsed } from '../segments/classify'
import { customerIdOfPerson } from '../identity/customer-key'
import { SCAN_PAGE_SIZE } from './limits'
import { sendMoment, type Moment } from './send'

/**
 * What the scan needs of a site's prediction fit for at-risk moments: the parameters, the median
 * CLV of the site's customers at the fit, and the P(alive) threshold.
 */
export type ScanFit = {
  bgnbd: BgNbdParams
  gammaGamma: GammaGammaParams
  /** The site's median 52-week CLV at the fit (the 50th of its percentile cuts). */
  clvMedian: number
  /** At risk: P(alive) below this (while CLV is above the median). */
  atRiskBelow: number
}

/** A moment of the scan, before it has a customer id. */
type ScanMoment = { type: MomentType; occurrence: string; data: Moment['data'] }

/**
 * The scan's moments for one customer today, those already recorded left out. Each is one
 * occurrence per purchase cycle (keyed by the last purchase day), so it is sent once until the
 * customer buys again:
 * - `customer.lapsed`: no counted purchase within the site's lapse window;
 * - `customer.due_for_reorder`: today is in the reorder window around last purchase + their gap
 *   (their own median gap once they have two gaps, else the model's, else none without a fit);
 * - `customer.at_risk` (needs a fit): P(alive) below the threshold while their 52-week CLV is above
 *   the site's median.
 * @example customerMoments(customer, { now, timeZone: 'UTC', lapseDays: 90, fit: null }) // [{ type: 'customer.lapsed', occurrence: '2026-08-01', data: {...} }]
 */
export function customerMoments(
  customer: MomentScanCustomer,
  options: { now: number; timeZone: string; lapseDays: number; fit: ScanFit | null },
): ScanMoment[] {
  const today = localDay(options.now, options.timeZone)
  const orders = customer.days.map(({ day, revenueMicros }) => ({
    customerId: customer.personId,
    day,
    revenue: fromMicros(revenueMicros),
  }))
  const [summary] = summarizeOrders(orders, today).customers
  if (!summary) return []
  const { lastDay, x, tx, T, monetary, medianGapDays } = summary
  const moments: ScanMoment[] = []

  if (isLapsed(customer.lastPurchaseAt, options.now, options.lapseDays))
    moments.push({
      type: 'customer.lapsed',
      occurrence: lastDay,
      data: { lastPurchaseDay: lastDay, lapseDays: options.lapseDays },
    })

  const fit = options.fit
  const gapDays = medianGapDays ?? (fit ? modelGapDays(fit.bgnbd, x, T) : null)
  if (gapDays !== null && isDueForReorder({ today, lastDay, gapDays }))
    moments.push({
      type: 'customer.due_for_reorder',
      occurrence: lastDay,
      data: {
        lastPurchaseDay: lastDay,
        gapDays: Math.round(gapDays * 10) / 10,
        gapFrom: medianGapDays !== null ? 'median' : 'model',
        expectedOn: addDays(lastDay, Math.round(gapDays)),
      },
    })

  if (fit) {
    const figures = customerFigures(fit, { x, tx, T, monetary }, { asOf: today })
    if (isAtRisk(figures, fit))
      moments.push({
        type: 'customer.at_risk',
        occurrence: lastDay,
        data: {
          lastPurchaseDay: lastDay,
          pAlive: round4(figures.pAlive),
          clv: Math.round(figures.clv * 100) / 100,
          clvMedian: Math.round(fit.clvMedian * 100) / 100,
          atRiskBelow: fit.atRiskBelow,
        },
      })
  }
  const recorded = new Set(customer.recorded.map((m) => `${m.type}|${m.occurrence}`))
  return moments.filter((moment) => !recorded.has(`${moment.type}|${moment.occurrence}`))
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000
}

/** Moments sent by a scan, per type. */
export type ScanResult = { customers: number; sent: Partial<Record<MomentType, number>> }

/**
 * The daily scan of one site: pages through its customers in the ledger, sends each moment they
 * reached (sendMoment: one delivery per subscribed destination, idempotent), then records it in
 * the ledger so the next scan skips it. Sent before recorded: a scan that dies in between sends
 * nothing twice (the delivery log's key) and records it next time.
 * @example await runMomentScan(env, site, { now: Date.now(), fit: null })
 */
export async function runMomentScan(
  env: Pick<Env, 'DB' | 'MOMENTS_QUEUE' | 'LEDGER'>,
  site: Parameters<typeof ledgerSite>[0],
  options: { now: number; fit: ScanFit | null; pageSize?: number },
): Promise<ScanResult> {
  const ledger = ledgerFor(env, site.id)
  const settings: LedgerSite = ledgerSite(site)
  const result: ScanResult = { customers: 0, sent: {} }
  let after: string | null = null
  do {
    const page = await ledger.momentScanPage(settings, after, options.pageSize ?? SCAN_PAGE_SIZE)
    const reached: PersonMoment[] = []
    for (const customer of page.customers) {
      result.customers++
      const customerId = customerIdOfPerson(customer.personId)
      if (customerId === null) continue
      const moments = customerMoments(customer, {
        now: options.now,
        timeZone: site.timeZone,
        lapseDays: site.lapseDays,
        fit: options.fit,
      })
      for (const moment of moments) {
        await sendMoment(env, site, { ...moment, customerId }, options.now)
        reached.push({
          personId: customer.personId,
          type: moment.type,
          occurrence: moment.occurrence,
        })
        result.sent[moment.type] = (result.sent[moment.type] ?? 0) + 1
      }
    }
    if (reached.length > 0) await ledger.recordMoments(reached, options.now)
    after = page.next
  } while (after !== null)
  return result
}

import type { Env } from '../env'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { addDays } from '../lib/days'
import { findAtRiskBelow } from '../sites/queries'
import type { Site } from '../sites/site'
import {
  conditionalExpectedPurchases,
  customerLifetimeValue,
  DEFAULT_HORIZON_WEEKS,
  fitPredictionModels,
  groupByFrequency,
  isDueForReorder,
  pAlive,
  reorderGapDays,
} from './model'
import { clvMedianOf, isAtRisk } from './person'
import { latestFit, type StoredFit } from './store'

/**
 * The dashboard's predictions panel, computed from the site's latest fit and every customer's
 * summary as of today (closed forms, about 10 µs a customer), and a calibration: a fit as of
 * `CALIBRATION_WEEKS` ago, its expected purchases per week since, against what happened.
 */

/** Weeks of the calibration chart: the fit is made as of this many weeks ago. */
export const CALIBRATION_WEEKS = 8
/** Customers listed in each table of the panel (the most valuable first). */
export const PANEL_ROWS = 20

export type PanelCustomer = {
  customerId: string
  pAlive: number
  clv: number
  lastDay: string
  daysSinceLastPurchase: number
}

export type ClvBand = { label: string; customers: number; totalClv: number }

export type PredictionsPanel = {
  fit: StoredFit | null
  atRiskBelow: number
  /** Customers with a counted purchase by today. */
  customers: number
  medianClv: number
  totalClv: number
  bands: ClvBand[]
  atRisk: { count: number; totalClv: number; top: PanelCustomer[] }
  dueThisWeek: { count: number; totalClv: number; top: PanelCustomer[] }
  calibration: {
    from: string
    weeks: { start: string; expected: number; actual: number }[]
  } | null
}

/**
 * Everything the panel shows for a site, as of its local `today`.
 * @example const panel = await loadPredictionsPanel(env, site, '2026-11-29')
 */
export async function loadPredictionsPanel(
  env: Pick<Env, 'DB' | 'LEDGER'>,
  site: Site,
  today: string,
): Promise<PredictionsPanel> {
  const [fit, atRiskBelow] = await Promise.all([
    latestFit(env.DB, site.id),
    findAtRiskBelow(env.DB, site.id),
  ])
  const empty: PredictionsPanel = {
    fit,
    atRiskBelow,
    customers: 0,
    medianClv: 0,
    totalClv: 0,
    bands: [],
    atRisk: { count: 0, totalClv: 0, top: [] },
    dueThisWeek: { count: 0, totalClv: 0, top: [] },
    calibration: null,
  }
  if (!fit) return empty
  const ledger = ledgerFor(env, site.id)
  const calibrationFrom = addDays(today, -7 * CALIBRATION_WEEKS)
  const [summary, calibrationSummary, actual] = await Promise.all([
    ledger.predictionInputs(ledgerSite(site), today),
    ledger.predictionInputs(ledgerSite(site), calibrationFrom),
    ledger.purchaseDaysByWeek(ledgerSite(site), calibrationFrom, CALIBRATION_WEEKS),
  ])

  const week = Array.from({ length: 7 }, (_, i) => addDays(today, i))
  const customers = summary.customers.map((customer) => {
    const alive = pAlive(fit.bgnbd, customer.x, customer.tx, customer.T)
    const clv = customerLifetimeValue(fit.bgnbd, fit.gammaGamma, customer, {
      horizonWeeks: DEFAULT_HORIZON_WEEKS,
    })
    const gapDays = reorderGapDays(fit.bgnbd, customer)
    return {
      customerId: customer.customerId,
      pAlive: alive,
      clv,
      lastDay: customer.lastDay,
      daysSinceLastPurchase: Math.round(7 * (customer.T - customer.tx)),
      isDue: week.some((day) =>
        isDueForReorder({ today: day, lastDay: customer.lastDay, gapDays }),
      ),
    }
  })
  const medianClv = clvMedianOf(fit.clvCuts)
  const byValue = [...customers].sort(
    (p, q) => q.clv - p.clv || p.customerId.localeCompare(q.customerId),
  )
  const atRisk = byValue.filter((c) => isAtRisk(c, { atRiskBelow, clvMedian: medianClv }))
  const due = byValue.filter((c) => c.isDue)
  const sum = (list: { clv: number }[]) => list.reduce((total, c) => total + c.clv, 0)
  const listed = (list: typeof customers) =>
    list.slice(0, PANEL_ROWS).map(({ isDue: _due, ...row }) => row)

  return {
    ...empty,
    customers: customers.length,
    medianClv,
    totalClv: sum(customers),
    bands: clvBands(
      customers.map((c) => c.clv),
      fit.clvCuts,
    ),
    atRisk: { count: atRisk.length, totalClv: sum(atRisk), top: listed(atRisk) },
    dueThisWeek: { count: due.length, totalClv: sum(due), top: listed(due) },
    calibration:
      calibrationSummary.customers.length === 0
        ? null
        : calibrate(calibrationSummary, calibrationFrom, actual),
  }
}

/**
 * Customers and their predicted value in bands of the fit's CLV percentiles: the bottom half, the
 * 50th–75th, 75th–90th, 90th–99th percentile, and the top 1%.
 */
function clvBands(values: number[], cuts: readonly number[]): ClvBand[] {
  if (cuts.length === 0) return []
  const edges = [
    { label: 'Bottom 50%', below: cuts[49]! },
    { label: '50th–75th percentile', below: cuts[74]! },
    { label: '75th–90th percentile', below: cuts[89]! },
    { label: '90th–99th percentile', below: cuts[98]! },
    { label: 'Top 1%', below: Infinity },
  ]
  const bands = edges.map((edge) => ({ label: edge.label, customers: 0, totalClv: 0 }))
  for (const value of values) {
    const index = edges.findIndex((edge) => value < edge.below)
    const band = bands[index === -1 ? bands.length - 1 : index]!
    band.customers++
    band.totalClv += value
  }
  return bands
}

/** Expected purchase days per week from a fit as of `from`, next to the actual ones. */
function calibrate(
  summary: Parameters<typeof fitPredictionModels>[0],
  from: string,
  actual: number[],
): NonNullable<PredictionsPanel['calibration']> {
  const fit = fitPredictionModels(summary)
  const groups = groupByFrequency(summary.customers)
  const cumulative = (weeks: number) =>
    weeks === 0
      ? 0
      : groups.reduce(
          (total, g) =>
            total + g.count * conditionalExpectedPurchases(fit.bgnbd, g.x, g.tx, g.T, weeks),
          0,
        )
  const expectedBy = Array.from({ length: CALIBRATION_WEEKS + 1 }, (_, k) => cumulative(k))
  return {
    from,
    weeks: actual.map((count, k) => ({
      start: addDays(from, 7 * k + 1),
      expected: expectedBy[k + 1]! - expectedBy[k]!,
      actual: count,
    })),
  }
}

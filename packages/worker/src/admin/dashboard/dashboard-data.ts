import type { MetricsReport } from '@stammis/contract'
import type { Env } from '../../env'
import { dayStart } from '../../lib/time-zone'
import { buildMetrics, customerMetrics } from '../../metrics/report'
import { countDeliveries, type DeliveryCount } from '../../moments/queries'
import type { Site } from '../../sites/site'
import type { TrendPoint } from './dashboard-customers'
import { addDays } from '../../lib/days'
import { monthEnds, type DayRange } from './dashboard-range'

export type DashboardData = {
  report: MetricsReport
  trend: TrendPoint[]
  /** Lifecycle-moment deliveries created in the range, per moment and status. */
  moments: DeliveryCount[]
}

/**
 * The report for the range, and the customer numbers as of each month end of it (at most 12): one
 * customer-metrics statement per earlier month end (repeat and lapsed rates depend only on the end
 * day), and the last point is the report itself.
 * @example const { report, trend } = await loadDashboard(c.env, site, { from: '2026-01-01', to: '2026-03-31' })
 */
export async function loadDashboard(env: Env, site: Site, range: DayRange): Promise<DashboardData> {
  const days = monthEnds(range.from, range.to)
  const [moments, report, ...earlier] = await Promise.all([
    countDeliveries(env.DB, site.id, {
      from: dayStart(range.from, site.timeZone),
      to: dayStart(addDays(range.to, 1), site.timeZone),
    }),
    buildMetrics(env, site, range.from, range.to),
    ...days.slice(0, -1).map((day) => customerMetrics(env, site, day, day)),
  ])
  const trend = days.map((day, index) => {
    const customers = earlier[index] ?? report.customers
    return {
      day,
      customers: customers.total,
      repeatRate: customers.repeatRate,
      lapsedRate: customers.lapsedRate,
    }
  })
  return { report, trend, moments }
}

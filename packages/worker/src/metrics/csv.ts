import type { MetricsReport } from '@stammis/contract'

type Cell = string | number | boolean | null

function line(cells: Cell[]): string {
  return cells
    .map((cell) => {
      const text = cell === null ? '' : String(cell)
      return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
    })
    .join(',')
}

/**
 * The report as CSV: one table per section, each with its own header row, separated by a blank
 * line, so it opens in any spreadsheet. Empty cells are metrics without a value (no data).
 * @example toCsv(report).split('\n')[0] // 'section,segment,visitors,visits,...'
 */
export function toCsv(report: MetricsReport): string {
  const rows: string[] = [
    line([
      'section',
      'segment',
      'visitors',
      'visits',
      'orders',
      'revenue',
      'conversionRate',
      'aov',
      'trafficShare',
      'revenueShare',
    ]),
  ]
  for (const [segment, m] of Object.entries(report.segments)) {
    rows.push(
      line([
        'segments',
        segment,
        m.visitors,
        m.visits,
        m.orders,
        m.revenue,
        m.conversionRate,
        m.aov,
        m.trafficShare,
        m.revenueShare,
      ]),
    )
  }
  rows.push('', line(['section', 'metric', 'value']))
  for (const [metric, value] of Object.entries(report.customers))
    rows.push(line(['customers', metric, value]))
  rows.push(
    '',
    line(['section', 'cohort', 'customers', 'month', 'monthsAfter', 'purchasedAgain', 'share']),
  )
  for (const cohort of report.cohorts) {
    if (cohort.later.length === 0)
      rows.push(line(['cohorts', cohort.month, cohort.customers, null, null, null, null]))
    for (const later of cohort.later)
      rows.push(
        line([
          'cohorts',
          cohort.month,
          cohort.customers,
          later.month,
          later.monthsAfter,
          later.customers,
          later.share,
        ]),
      )
  }
  rows.push(
    '',
    line([
      'section',
      'ruleId',
      'variant',
      'exposed',
      'converted',
      'conversionRate',
      'revenue',
      'discount',
      'netRevenuePerExposed',
      'lift',
      'liftLow',
      'liftHigh',
      'relativeLift',
      'isSignificant',
    ]),
  )
  for (const offer of report.offers) {
    for (const variant of ['treatment', 'control'] as const) {
      const arm = offer[variant]
      const shared =
        variant === 'treatment'
          ? [offer.lift, offer.liftLow, offer.liftHigh, offer.relativeLift, offer.isSignificant]
          : [null, null, null, null, null]
      rows.push(
        line([
          'offers',
          offer.ruleId,
          variant,
          arm.exposed,
          arm.converted,
          arm.conversionRate,
          arm.revenue,
          arm.discount,
          arm.netRevenuePerExposed,
          ...shared,
        ]),
      )
    }
  }
  rows.push('', line(['section', 'metric', 'value']))
  rows.push(
    line(['bots', 'eventsFiltered', report.botsFiltered.events]),
    line(['bots', 'decidesFiltered', report.botsFiltered.decides]),
  )
  rows.push(line(['orders', 'conflicts', report.conflicts]))
  return rows.join('\n') + '\n'
}

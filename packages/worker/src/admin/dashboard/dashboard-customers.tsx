import type { Cohort, MetricsReport } from '@stammis/contract'
import type { Child } from 'hono/jsx'
import { Table, type Column } from '../shell/table'
import { LineChart } from './charts'
import {
  formatCount,
  formatDay,
  formatDays,
  formatMoney,
  formatMonth,
  formatPercent,
} from './dashboard-format'

/** Repeat rate and lapsed rate as of one day (a month end). */
export type TrendPoint = {
  day: string
  customers: number
  repeatRate: number | null
  lapsedRate: number | null
}

function Stat(props: { name: string; metric: string; value: string; children: Child }) {
  return (
    <div class="stat" data-stat={props.metric}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-name">{props.name}</div>
      <p class="muted small">{props.children}</p>
    </div>
  )
}

/**
 * The customer numbers as cards, each with what it means.
 * @example <CustomerStats report={report} lapseDays={90} />
 */
export function CustomerStats(props: { report: MetricsReport; lapseDays: number }) {
  const { customers, currency, to } = props.report
  return (
    <div class="stats" id="customer-stats">
      <Stat name="Customers" metric="total" value={formatCount(customers.total)}>
        People who bought at least once up to {formatDay(to)}.
      </Stat>
      <Stat name="Repeat rate" metric="repeatRate" value={formatPercent(customers.repeatRate)}>
        Share of customers who bought in two or more visits.
      </Stat>
      <Stat
        name="Days between purchases"
        metric="medianDaysBetweenPurchases"
        value={formatDays(customers.medianDaysBetweenPurchases)}
      >
        The typical (median) time from one purchase visit to the customer's next.
      </Stat>
      <Stat name="Lapsed (churn)" metric="lapsedRate" value={formatPercent(customers.lapsedRate)}>
        Share of customers whose last purchase is more than {props.lapseDays} days old.
      </Stat>
      <Stat
        name="Revenue per customer"
        metric="revenuePerCustomer"
        value={formatMoney(customers.revenuePerCustomer, currency)}
      >
        Everything customers have spent, divided by the number of customers: lifetime value so far.
      </Stat>
      <Stat name="Retention" metric="retentionRate" value={formatPercent(customers.retentionRate)}>
        Of the {formatCount(customers.activeAtStart)} customers active at the start, the share still
        active at the end: ({formatCount(customers.activeAtEnd)} active at the end −{' '}
        {formatCount(customers.newInRange)} new) / {formatCount(customers.activeAtStart)}.
      </Stat>
    </div>
  )
}

const SHORT_DAY = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
})

/**
 * Repeat rate and churn at each month end of the range.
 * @example <CustomerTrend points={points} />
 */
export function CustomerTrend(props: { points: TrendPoint[] }) {
  const { points } = props
  const labels = points.map((point) => SHORT_DAY.format(Date.parse(`${point.day}T00:00:00Z`)))
  const first = points[0]!
  const last = points[points.length - 1]!
  const series = [
    { key: 'repeat-rate', name: 'Repeat rate', values: points.map((p) => p.repeatRate) },
    { key: 'lapsed-rate', name: 'Lapsed (churn)', values: points.map((p) => p.lapsedRate) },
  ].map((s) => ({ ...s, texts: s.values.map(formatPercent) }))
  return (
    <div id="customer-trend">
      <h3>Repeat rate and churn over time</h3>
      <p class="muted small">
        As of each month end from {formatDay(first.day)} to {formatDay(last.day)}
        {points.length > 1 ? ' (the last point is the end of the range)' : ''}.
      </p>
      <LineChart
        id="chart-trend"
        title="Repeat rate and lapsed rate at each month end"
        description={points
          .map(
            (point, index) =>
              `${formatDay(point.day)}: repeat rate ${series[0]!.texts[index]}, lapsed ${series[1]!.texts[index]}.`,
          )
          .join(' ')}
        labels={labels}
        series={series}
        max={1}
        ticks={[0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, text: `${value * 100}%` }))}
      />
    </div>
  )
}

/** Cell colour: the darker, the more of the cohort bought again that month. */
function heat(share: number): string {
  if (share <= 0) return ''
  const alpha = (0.12 + 0.88 * Math.min(1, share)).toFixed(2)
  return `background:rgba(36,87,197,${alpha});color:${share >= 0.5 ? '#fff' : '#1f2430'}`
}

/** The cohort table's column of the `index`-th month after the first purchase (a heat cell). */
function laterMonth(index: number): Column<Cohort> {
  return {
    header: `+${index + 1} mo`,
    isNumeric: true,
    cell: (cohort) => {
      const later = cohort.later[index]
      return later ? formatPercent(later.share) : ''
    },
    cellAttributes: (cohort) => {
      const later = cohort.later[index]
      if (!later) return { class: 'later none' }
      return {
        class: 'num later',
        style: heat(later.share),
        'data-month': later.month,
        title: `${formatCount(later.customers)} of ${formatCount(cohort.customers)} customers who first bought in ${formatMonth(cohort.month)} bought again in ${formatMonth(later.month)}`,
      }
    },
  }
}

/**
 * The cohort retention heatmap: customers by month of first purchase, and the share of each
 * cohort who bought again in each later month.
 * @example <CohortTable cohorts={report.cohorts} />
 */
export function CohortTable(props: { cohorts: Cohort[] }) {
  const width = Math.max(0, ...props.cohorts.map((cohort) => cohort.later.length))
  return (
    <div class="scroll">
      <Table
        class="cohorts"
        id="cohort-table"
        describedBy="cohorts-explained"
        rows={props.cohorts}
        rowAttributes={(cohort) => ({ 'data-cohort': cohort.month })}
        columns={[
          {
            header: 'First purchase',
            isRowHeader: true,
            cell: (cohort) => formatMonth(cohort.month),
          },
          {
            header: 'Customers',
            isNumeric: true,
            metric: 'customers',
            cell: (cohort) => formatCount(cohort.customers),
          },
          ...Array.from({ length: width }, (_, i): Column<Cohort> => laterMonth(i)),
        ]}
      />
      {width === 0 ? (
        <p class="muted small">The months after each first purchase fill in here as they begin.</p>
      ) : null}
    </div>
  )
}

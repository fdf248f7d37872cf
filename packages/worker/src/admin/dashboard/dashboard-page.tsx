import type { MetricsReport } from '@stammis/contract'
import type { DeliveryCount } from '../../moments/queries'
import { Hono } from 'hono'
import type { Child } from 'hono/jsx'
import { localDay } from '../../lib/time-zone'
import { CohortTable, CustomerStats, CustomerTrend, type TrendPoint } from './dashboard-customers'
import { loadDashboard } from './dashboard-data'
import { formatDay } from './dashboard-format'
import { OffersTable } from './dashboard-offers'
import { PredictionsSection } from './dashboard-predictions'
import { loadPredictionsPanel, type PredictionsPanel } from '../../predictions/panel'
import { chooseRange, QUICK_RANGES, quickRange, type DayRange } from './dashboard-range'
import { SegmentConversion, SegmentShares } from './dashboard-segments'
import { MomentCounts } from '../shell/moment-counts'
import { Layout } from '../shell/layout'
import type { AdminContext, AdminEnv } from '../shell/session'

const rangeQuery = (range: DayRange) => `from=${range.from}&to=${range.to}`

/** The date range form: two date inputs, quick ranges as plain links, and the CSV export. */
function RangePicker(props: { from: string; to: string; today: string; range: DayRange | null }) {
  return (
    <form method="get" action="/admin/dashboard" class="card range" id="range">
      <div class="field">
        <label for="d-from">From</label>
        <input type="date" id="d-from" name="from" value={props.from} />
      </div>
      <div class="field">
        <label for="d-to">To</label>
        <input type="date" id="d-to" name="to" value={props.to} />
      </div>
      <button type="submit" class="primary">
        Show
      </button>
      <nav class="quick" aria-label="Quick ranges">
        {QUICK_RANGES.map((days) => {
          const quick = quickRange(days, props.today)
          const isActive = props.range?.from === quick.from && props.range.to === quick.to
          return (
            <a
              href={`/admin/dashboard?${rangeQuery(quick)}`}
              class={isActive ? 'active' : undefined}
              data-days={days}
            >
              Last {days} days
            </a>
          )
        })}
      </nav>
      <span class="spacer"></span>
      {props.range ? (
        <a
          class="button"
          id="csv"
          href={`/v1/admin/metrics.csv?${rangeQuery(props.range)}`}
          download
        >
          Download CSV
        </a>
      ) : null}
    </form>
  )
}

function Empty(props: { kind: string; title: string; children: Child }) {
  return (
    <div class="empty" data-empty={props.kind}>
      <h3>{props.title}</h3>
      {props.children}
    </div>
  )
}

function NoVisits(props: { scriptTag: string }) {
  return (
    <section class="card dash" id="segments">
      <h2>Who brings the revenue</h2>
      <Empty kind="visits" title="No visits in this range yet">
        <p>
          Stammis counts a visit when its script tag runs in your shop. If you have not done it yet,
          install the script tag: paste it into every page of your shop, before{' '}
          <code>&lt;/head&gt;</code>:
        </p>
        <pre class="snippet">{props.scriptTag}</pre>
        <p class="muted small">
          If it is installed, pick a longer range above. Visits appear here within a minute of a
          page view.
        </p>
      </Empty>
    </section>
  )
}

function Customers(props: { report: MetricsReport; trend: TrendPoint[]; lapseDays: number }) {
  const { report } = props
  const noCustomers = (
    <Empty kind="customers" title="No customers yet">
      <p>Orders appear after the first purchase event or an order import.</p>
      <p class="muted small">
        Send a purchase event from your order confirmation page:{' '}
        <code>
          stammis.push(['purchase', {'{'} orderId, revenue, currency {'}'}])
        </code>
        .
      </p>
    </Empty>
  )
  return (
    <>
      <section class="card dash" id="customers" aria-labelledby="customers-heading">
        <h2 id="customers-heading">Customers</h2>
        {report.customers.total === 0 ? (
          noCustomers
        ) : (
          <>
            <CustomerStats report={report} lapseDays={props.lapseDays} />
            <CustomerTrend points={props.trend} />
          </>
        )}
      </section>
      <section class="card dash" id="cohorts" aria-labelledby="cohorts-heading">
        <h2 id="cohorts-heading">Do customers come back?</h2>
        <p class="muted small" id="cohorts-explained">
          Customers grouped by the month of their first purchase; each cell is the share of that
          group who bought again that many months later. Darker is better.
        </p>
        {report.cohorts.length === 0 ? noCustomers : <CohortTable cohorts={report.cohorts} />}
      </section>
    </>
  )
}

function Offers(props: { report: MetricsReport }) {
  return (
    <section class="card dash" id="offers" aria-labelledby="offers-heading">
      <h2 id="offers-heading">Do your offers pay off?</h2>
      {props.report.offers.length === 0 ? (
        <Empty kind="offers" title="No offer is measured yet">
          <p>
            Add a holdout to a rule to measure its lift: a share of the visitors it fits do not see
            it, and comparing them with those who do shows what the rule really earns. Set “Holdout
            %” in a rule on the <a href="/admin">Rules</a> page.
          </p>
        </Empty>
      ) : (
        <>
          <p class="muted small">
            t = treatment (saw the rule), c = control (held out). Conversion: ordered within 7 days
            of first seeing it. Lift: the difference in conversion, in percentage points, with its
            95% interval; “not yet significant” while that interval includes zero. Net revenue per
            visitor is after the offer's discount.
          </p>
          <OffersTable offers={props.report.offers} currency={props.report.currency} />
        </>
      )}
    </section>
  )
}

function DashboardPage(props: {
  c: AdminContext
  today: string
  form: { from: string; to: string }
  range: DayRange | null
  error?: string
  data?: { report: MetricsReport; trend: TrendPoint[]; moments: DeliveryCount[] }
  predictions?: PredictionsPanel
}) {
  const { c, data } = props
  const site = c.get('site')
  const scriptTag = `<script async src="${new URL(c.req.url).origin}/s.js" data-site="${site.publicKey}"></script>`
  return (
    <Layout c={c} title="Dashboard" page="dashboard">
      <h1>Dashboard</h1>
      {props.range ? (
        <p class="muted" id="range-summary">
          {formatDay(props.range.from)} – {formatDay(props.range.to)} · days in {site.timeZone} ·
          amounts in {site.currency}
          {props.data ? (
            <span id="bots-filtered">
              {' '}
              · bots filtered out: {props.data.report.botsFiltered.events} event batches,{' '}
              {props.data.report.botsFiltered.decides} decide calls
            </span>
          ) : null}
          {props.data ? (
            <span
              id="order-conflicts"
              title="Orders the browser reported differently from your server (another customer, revenue or currency): your server's version replaced them."
            >
              {' '}
              ·{' '}
              {props.data.report.conflicts === 1
                ? '1 browser-reported order'
                : `${props.data.report.conflicts} browser-reported orders`}{' '}
              corrected by your server in this range
            </span>
          ) : null}
        </p>
      ) : null}
      <RangePicker
        from={props.form.from}
        to={props.form.to}
        today={props.today}
        range={props.range}
      />
      {props.error ? (
        <div class="errors" role="alert" id="range-error">
          {props.error}
        </div>
      ) : null}
      {data ? (
        <>
          {data.report.totals.visits === 0 ? (
            <NoVisits scriptTag={scriptTag} />
          ) : (
            <>
              <SegmentShares report={data.report} />
              <SegmentConversion report={data.report} />
            </>
          )}
          <Customers report={data.report} trend={data.trend} lapseDays={site.lapseDays} />
          {props.predictions ? (
            <PredictionsSection panel={props.predictions} currency={site.currency} />
          ) : null}
          <Offers report={data.report} />
          <section class="card dash" id="moments" aria-labelledby="moments-heading">
            <h2 id="moments-heading">Moments sent to your email tool</h2>
            <MomentCounts counts={data.moments} id="dashboard-moment-counts" />
            <p class="muted">
              Deliveries created in this range.{' '}
              <a href="/admin/moments">Destinations and the log</a>
            </p>
          </section>
        </>
      ) : null}
    </Layout>
  )
}

/**
 * `/admin/dashboard?from&to`: the shop's metrics for a range of days (default: the last 30), as
 * charts and tables, with the CSV of the same numbers one click away.
 * @example adminRoutes.route('/dashboard', dashboardRoutes)
 */
export const dashboardRoutes = new Hono<AdminEnv>().get('/', async (c) => {
  const site = c.get('site')
  const today = localDay(Date.now(), site.timeZone)
  const choice = chooseRange({ from: c.req.query('from'), to: c.req.query('to') }, today)
  if (!choice.ok) {
    // The form keeps what was typed, so it can be fixed in place.
    return c.html(
      <DashboardPage c={c} today={today} form={choice} range={null} error={choice.error} />,
      400,
    )
  }
  const [data, predictions] = await Promise.all([
    loadDashboard(c.env, site, choice.range),
    loadPredictionsPanel(c.env, site, today),
  ])
  return c.html(
    <DashboardPage
      c={c}
      today={today}
      form={choice.range}
      range={choice.range}
      data={data}
      predictions={predictions}
    />,
  )
})

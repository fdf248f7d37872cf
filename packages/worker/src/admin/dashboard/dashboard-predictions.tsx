import {
  CUSTOMER_PERSON_PREFIX,
  customerIdOfPerson,
  isCustomerPerson,
} from '../../identity/customer-key'
import type { PanelCustomer, PredictionsPanel } from '../../predictions/panel'
import { SMALL_SHOP_CUSTOMERS } from '../../predictions/model'
import { Table } from '../shell/table'
import { BarChart } from './charts'
import { formatCount, formatDay, formatMoney, formatPercent } from './dashboard-format'

/**
 * A customer as the shop knows them: the customer id it sent (`c:id:cust-42` → cust-42), a hashed
 * email as "email h_…", a browser that never signed in as "visitor …".
 */
export function customerLabel(personId: string): string {
  if (!isCustomerPerson(personId)) return `visitor ${personId}`
  const hashedEmail = personId.slice(CUSTOMER_PERSON_PREFIX.length)
  return customerIdOfPerson(personId) ?? `email ${hashedEmail.slice(0, 10)}…`
}

function CustomersTable(props: { id: string; rows: PanelCustomer[]; currency: string }) {
  return (
    <div class="scroll">
      <Table
        id={props.id}
        rows={props.rows}
        rowAttributes={(row) => ({ 'data-customer': row.customerId })}
        columns={[
          { header: 'Customer', isRowHeader: true, cell: (row) => customerLabel(row.customerId) },
          {
            header: 'Predicted value, next year',
            isNumeric: true,
            metric: 'clv',
            cell: (row) => formatMoney(row.clv, props.currency),
          },
          {
            header: 'P(alive)',
            isNumeric: true,
            metric: 'p-alive',
            cell: (row) => formatPercent(row.pAlive),
          },
          { header: 'Last purchase', cell: (row) => formatDay(row.lastDay) },
          {
            header: 'Days since',
            isNumeric: true,
            metric: 'days-since',
            cell: (row) => formatCount(row.daysSinceLastPurchase),
          },
        ]}
      />
    </div>
  )
}

/**
 * The predictions panel: the fit, the predicted CLV distribution, customers at risk with their
 * value, customers due to reorder this week, and the calibration chart (expected against actual
 * purchases per week since a fit made 8 weeks ago).
 * @example <PredictionsSection panel={panel} currency="USD" />
 */
export function PredictionsSection(props: { panel: PredictionsPanel; currency: string }) {
  const { panel, currency } = props
  const money = (value: number) => formatMoney(value, currency)
  const fit = panel.fit
  return (
    <section class="card dash" id="predictions" aria-labelledby="predictions-heading">
      <h2 id="predictions-heading">Who will buy again, and what they are worth</h2>
      {!fit ? (
        <div class="empty" data-empty="predictions">
          <h3>No prediction fit yet</h3>
          <p>
            The daily job fits the models once the shop has a customer; or fit now with{' '}
            <code>POST /v1/admin/predictions/fit</code>.
          </p>
        </div>
      ) : (
        <>
          <p class="muted small" id="prediction-fit">
            Fitted {new Date(fit.fittedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC on{' '}
            {formatCount(fit.customers)} customers (orders up to {formatDay(fit.asOf)}): BG/NBD r{' '}
            {fit.bgnbd.r.toFixed(3)}, α {fit.bgnbd.alpha.toFixed(2)}, a {fit.bgnbd.a.toFixed(3)}, b{' '}
            {fit.bgnbd.b.toFixed(3)}; spend p {fit.gammaGamma.p.toFixed(2)}, q{' '}
            {fit.gammaGamma.q.toFixed(2)}, γ {fit.gammaGamma.gamma.toFixed(2)}.
            {fit.shrunk ? (
              <strong id="prediction-shrunk">
                {' '}
                Shrunk toward priors: fewer than {SMALL_SHOP_CUSTOMERS} customers (or repeat
                customers), so the figures lean on a typical shop's until yours has more history.
              </strong>
            ) : null}
          </p>
          <p>
            <span data-metric="predicted-total">{money(panel.totalClv)}</span> expected from{' '}
            {formatCount(panel.customers)} customers over the next year; median customer{' '}
            <span data-metric="median-clv">{money(panel.medianClv)}</span>.
          </p>
          <BarChart
            id="clv-distribution"
            title="Predicted value by customer band"
            description="Customers in each band of predicted value (next 52 weeks), and the value they are expected to bring."
            series={[
              { key: 'customers', name: 'Customers' },
              { key: 'value', name: 'Predicted value' },
            ]}
            groups={panel.bands.map((band) => ({
              key: band.label,
              label: band.label,
              bars: [
                {
                  series: 'customers',
                  value: panel.customers === 0 ? 0 : band.customers / panel.customers,
                  text: formatCount(band.customers),
                },
                {
                  series: 'value',
                  value: panel.totalClv === 0 ? 0 : band.totalClv / panel.totalClv,
                  text: money(band.totalClv),
                },
              ],
            }))}
            max={1}
          />

          <h3 id="at-risk-heading">At risk</h3>
          <p class="muted small">
            P(alive) below {formatPercent(panel.atRiskBelow)} (the shop's setting,{' '}
            <code>predictions.atRiskBelow</code>) while their predicted value is above the median:{' '}
            <span data-metric="at-risk-count">{formatCount(panel.atRisk.count)}</span> customers,{' '}
            <span data-metric="at-risk-value">{money(panel.atRisk.totalClv)}</span> of predicted
            value. Win them back before they are gone.
          </p>
          {panel.atRisk.top.length > 0 ? (
            <CustomersTable id="at-risk" rows={panel.atRisk.top} currency={currency} />
          ) : null}

          <h3 id="due-heading">Due to reorder this week</h3>
          <p class="muted small">
            Within ±20% of their usual gap between purchases on a day of the next seven:{' '}
            <span data-metric="due-count">{formatCount(panel.dueThisWeek.count)}</span> customers.
          </p>
          {panel.dueThisWeek.top.length > 0 ? (
            <CustomersTable id="due-this-week" rows={panel.dueThisWeek.top} currency={currency} />
          ) : null}

          <h3 id="calibration-heading">Does the model get it right?</h3>
          {panel.calibration ? (
            <>
              <p class="muted small">
                Fitted on orders up to {formatDay(panel.calibration.from)}, then compared with the
                purchases (one a day per customer) those customers made in each week since.
              </p>
              <BarChart
                id="calibration"
                title="Expected against actual purchases per week"
                description="For customers who had bought by the calibration day: purchase days the model expected each week, and those that happened."
                series={[
                  { key: 'expected', name: 'Expected' },
                  { key: 'actual', name: 'Actual' },
                ]}
                groups={panel.calibration.weeks.map((week) => ({
                  key: week.start,
                  label: `Week of ${formatDay(week.start)}`,
                  bars: [
                    { series: 'expected', value: week.expected, text: week.expected.toFixed(1) },
                    { series: 'actual', value: week.actual, text: formatCount(week.actual) },
                  ],
                }))}
                max={Math.max(
                  1,
                  ...panel.calibration.weeks.flatMap((week) => [week.expected, week.actual]),
                )}
              />
            </>
          ) : (
            <p class="muted small" data-empty="calibration">
              Not yet: no customer had bought 8 weeks ago.
            </p>
          )}
        </>
      )}
    </section>
  )
}

import type { OfferMetrics } from '@stammis/contract'
import {
  formatCount,
  formatMoney,
  formatPercent,
  formatPoints,
  formatSignedMoney,
  formatSignedPercent,
} from './dashboard-format'

/**
 * What a lift's 95% interval says: above zero, below zero, or not yet telling (it includes zero,
 * or there is no control group to compare with yet).
 * @example verdict(offer) // 'positive'
 */
export function verdict(offer: OfferMetrics): 'positive' | 'negative' | 'pending' {
  if (!offer.isSignificant || offer.lift === null) return 'pending'
  return offer.lift > 0 ? 'positive' : 'negative'
}

const VERDICT_TEXT = {
  positive: 'positive',
  negative: 'negative',
  pending: 'not yet significant',
} as const

/** "t / c" for one number of both arms. */
function Arms(props: { treatment: string; control: string }) {
  return (
    <>
      <span data-arm="treatment">{props.treatment}</span> /{' '}
      <span data-arm="control">{props.control}</span>
    </>
  )
}

/**
 * Each rule with a holdout: treatment (saw the rule) against control (held out), the conversion
 * lift with its 95% interval, and revenue per exposed visitor net of the offer's discount.
 * @example <OffersTable offers={report.offers} currency="USD" />
 */
export function OffersTable(props: { offers: OfferMetrics[]; currency: string }) {
  const money = (value: number | null) => formatMoney(value, props.currency)
  return (
    <div class="scroll">
      <table id="offers-table">
        <thead>
          <tr>
            <th>Rule</th>
            <th class="num">Exposed (t / c)</th>
            <th class="num">Conversion (t / c)</th>
            <th class="num">Lift (95% interval)</th>
            <th class="num">Relative lift</th>
            <th class="num">Net revenue per visitor (t / c)</th>
            <th class="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          {props.offers.map((offer) => {
            const result = verdict(offer)
            return (
              <tr data-rule={offer.ruleId} data-verdict={result}>
                <td>
                  <a href={`/admin/rules/${encodeURIComponent(offer.ruleId)}`}>{offer.ruleId}</a>
                </td>
                <td class="num" data-metric="exposed">
                  <Arms
                    treatment={formatCount(offer.treatment.exposed)}
                    control={formatCount(offer.control.exposed)}
                  />
                </td>
                <td class="num" data-metric="conversion">
                  <Arms
                    treatment={formatPercent(offer.treatment.conversionRate)}
                    control={formatPercent(offer.control.conversionRate)}
                  />
                </td>
                <td class="num" data-metric="lift">
                  <span data-value="lift">{formatPoints(offer.lift)}</span>
                  <div class="muted small" data-value="interval">
                    {offer.liftLow === null || offer.liftHigh === null
                      ? 'no interval yet'
                      : `${formatPoints(offer.liftLow)} to ${formatPoints(offer.liftHigh)}`}
                  </div>
                  <span class={`badge ${result}`} data-value="verdict">
                    {VERDICT_TEXT[result]}
                  </span>
                </td>
                <td class="num" data-metric="relativeLift">
                  {formatSignedPercent(offer.relativeLift)}
                </td>
                <td class="num" data-metric="netRevenuePerExposed">
                  <Arms
                    treatment={money(offer.treatment.netRevenuePerExposed)}
                    control={money(offer.control.netRevenuePerExposed)}
                  />
                </td>
                <td class="num" data-metric="netRevenuePerExposedLift">
                  {formatSignedMoney(offer.netRevenuePerExposedLift, props.currency)}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

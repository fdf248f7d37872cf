import type { OfferMetrics } from '@stammis/contract'
import { Table } from '../shell/table'
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
      <Table
        id="offers-table"
        rows={props.offers}
        rowAttributes={(offer) => ({ 'data-rule': offer.ruleId, 'data-verdict': verdict(offer) })}
        columns={[
          {
            header: 'Rule',
            cell: (offer) => (
              <a href={`/admin/rules/${encodeURIComponent(offer.ruleId)}`}>{offer.ruleId}</a>
            ),
          },
          {
            header: 'Exposed (t / c)',
            isNumeric: true,
            metric: 'exposed',
            cell: (offer) => (
              <Arms
                treatment={formatCount(offer.treatment.exposed)}
                control={formatCount(offer.control.exposed)}
              />
            ),
          },
          {
            header: 'Conversion (t / c)',
            isNumeric: true,
            metric: 'conversion',
            cell: (offer) => (
              <Arms
                treatment={formatPercent(offer.treatment.conversionRate)}
                control={formatPercent(offer.control.conversionRate)}
              />
            ),
          },
          {
            header: 'Lift (95% interval)',
            isNumeric: true,
            metric: 'lift',
            cell: (offer) => <Lift offer={offer} />,
          },
          {
            header: 'Relative lift',
            isNumeric: true,
            metric: 'relativeLift',
            cell: (offer) => formatSignedPercent(offer.relativeLift),
          },
          {
            header: 'Net revenue per visitor (t / c)',
            isNumeric: true,
            metric: 'netRevenuePerExposed',
            cell: (offer) => (
              <Arms
                treatment={money(offer.treatment.netRevenuePerExposed)}
                control={money(offer.control.netRevenuePerExposed)}
              />
            ),
          },
          {
            header: 'Difference',
            isNumeric: true,
            metric: 'netRevenuePerExposedLift',
            cell: (offer) => formatSignedMoney(offer.netRevenuePerExposedLift, props.currency),
          },
        ]}
      />
    </div>
  )
}

/** The conversion lift, its 95% interval and what it means. */
function Lift(props: { offer: OfferMetrics }) {
  const { offer } = props
  const result = verdict(offer)
  return (
    <>
      <span data-value="lift">{formatPoints(offer.lift)}</span>
      <div class="muted small" data-value="interval">
        {offer.liftLow === null || offer.liftHigh === null
          ? 'no interval yet'
          : `${formatPoints(offer.liftLow)} to ${formatPoints(offer.liftHigh)}`}
      </div>
      <span class={`badge ${result}`} data-value="verdict">
        {VERDICT_TEXT[result]}
      </span>
    </>
  )
}

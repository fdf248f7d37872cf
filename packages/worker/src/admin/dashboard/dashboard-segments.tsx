import { SEGMENTS, type MetricsReport, type Segment } from '@stammis/contract'
import { SEGMENT_LABELS } from '../shell/components'
import { Table } from '../shell/table'
import { BarChart } from './charts'
import { formatCount, formatMoney, formatPercent } from './dashboard-format'

/** Segment names on the dashboard: short enough for a chart label. */
export const SEGMENT_NAMES: Record<Segment, string> = {
  shopper: 'New visitors',
  returning: 'Returning',
  repeat: 'Repeat',
}

/** Two shares added up, or null when either has no value. */
function sum(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b
}

/**
 * Traffic share vs revenue share per segment, and the plain numbers behind them.
 * @example <SegmentShares report={report} />
 */
export function SegmentShares(props: { report: MetricsReport }) {
  const { segments, currency } = props.report
  const groups = SEGMENTS.map((segment) => ({
    key: segment,
    label: SEGMENT_NAMES[segment],
    bars: [
      {
        series: 'traffic',
        value: segments[segment].trafficShare,
        text: `${formatPercent(segments[segment].trafficShare)} of visits`,
      },
      {
        series: 'revenue',
        value: segments[segment].revenueShare,
        text: `${formatPercent(segments[segment].revenueShare)} of revenue`,
      },
    ],
  }))
  const customersTraffic = sum(segments.returning.trafficShare, segments.repeat.trafficShare)
  const customersRevenue = sum(segments.returning.revenueShare, segments.repeat.revenueShare)
  return (
    <section class="card dash" id="segments" aria-labelledby="segments-heading">
      <h2 id="segments-heading">Who brings the revenue</h2>
      <p class="lead" data-headline="shares">
        Your customers (returning and repeat) made{' '}
        <strong>{formatPercent(customersTraffic)}</strong> of the visits and brought{' '}
        <strong>{formatPercent(customersRevenue)}</strong> of the revenue.
      </p>
      <BarChart
        id="chart-shares"
        title="Share of visits and share of revenue per segment"
        description={SEGMENTS.map(
          (segment) =>
            `${SEGMENT_NAMES[segment]}: ${groups
              .find((g) => g.key === segment)!
              .bars.map((b) => b.text)
              .join(', ')}.`,
        ).join(' ')}
        series={[
          { key: 'traffic', name: 'Share of visits' },
          { key: 'revenue', name: 'Share of revenue' },
        ]}
        groups={groups}
        max={1}
      />
      <Table
        class="compact"
        id="segment-table"
        rows={SEGMENTS}
        rowAttributes={(segment) => ({ 'data-segment': segment })}
        columns={[
          {
            header: 'Segment',
            cell: (segment) => (
              <>
                <strong>{SEGMENT_NAMES[segment]}</strong>
                <div class="muted small">{SEGMENT_LABELS[segment]}</div>
              </>
            ),
          },
          {
            header: 'Visitors',
            isNumeric: true,
            metric: 'visitors',
            cell: (segment) => formatCount(segments[segment].visitors),
          },
          {
            header: 'Visits',
            isNumeric: true,
            metric: 'visits',
            cell: (segment) => formatCount(segments[segment].visits),
          },
          {
            header: 'Orders',
            isNumeric: true,
            metric: 'orders',
            cell: (segment) => formatCount(segments[segment].orders),
          },
          {
            header: 'Revenue',
            isNumeric: true,
            metric: 'revenue',
            cell: (segment) => formatMoney(segments[segment].revenue, currency),
          },
          {
            header: 'Average order',
            isNumeric: true,
            metric: 'aov',
            cell: (segment) => formatMoney(segments[segment].aov, currency),
          },
        ]}
      />
    </section>
  )
}

/** "Repeat customers convert 6.5× as often as new visitors", or null when there is nothing to compare. */
function conversionHeadline(report: MetricsReport): string | null {
  const base = report.segments.shopper.conversionRate
  if (!base) return null
  const parts = (['returning', 'repeat'] as const)
    .filter((segment) => report.segments[segment].conversionRate !== null)
    .map(
      (segment) =>
        `${SEGMENT_NAMES[segment].toLowerCase()} ${(report.segments[segment].conversionRate! / base).toFixed(1)}×`,
    )
  return parts.length === 0
    ? null
    : `Compared with new visitors, a visit converts: ${parts.join(', ')} as often.`
}

/**
 * Conversion rate per segment: visits with an order / visits.
 * @example <SegmentConversion report={report} />
 */
export function SegmentConversion(props: { report: MetricsReport }) {
  const { segments } = props.report
  const rates = SEGMENTS.map((segment) => segments[segment].conversionRate ?? 0)
  const headline = conversionHeadline(props.report)
  return (
    <section class="card dash" id="conversion" aria-labelledby="conversion-heading">
      <h2 id="conversion-heading">Conversion per segment</h2>
      <p class="muted small">The share of visits in which the visitor placed an order.</p>
      {headline ? (
        <p class="lead" data-headline="conversion">
          {headline}
        </p>
      ) : null}
      <BarChart
        id="chart-conversion"
        title="Conversion rate per segment"
        description={SEGMENTS.map(
          (segment) =>
            `${SEGMENT_NAMES[segment]}: ${formatPercent(segments[segment].conversionRate)} of visits placed an order.`,
        ).join(' ')}
        series={[{ key: 'conversion', name: 'Conversion rate' }]}
        groups={SEGMENTS.map((segment) => ({
          key: segment,
          label: SEGMENT_NAMES[segment],
          bars: [
            {
              series: 'conversion',
              value: segments[segment].conversionRate,
              text: formatPercent(segments[segment].conversionRate),
            },
          ],
        }))}
        // Scaled to the best segment: conversion rates are small, and the labels carry the values.
        max={Math.max(...rates) || 1}
      />
    </section>
  )
}

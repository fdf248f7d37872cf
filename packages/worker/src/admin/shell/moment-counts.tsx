import { MOMENT_TYPES, type MomentType } from '@stammis/contract'
import type { DeliveryCount } from '../../moments/queries'
import { Table } from './table'

/** What each moment means, in the admin's words. */
export const MOMENT_LABELS: Record<MomentType, string> = {
  'customer.became_returning': 'Became returning (first purchase)',
  'customer.became_repeat': 'Became repeat (second purchase visit)',
  'customer.won_back': 'Won back (bought after lapsing)',
  'customer.lapsed': 'Lapsed (no purchase in the lapse window)',
  'customer.due_for_reorder': 'Due for reorder',
  'customer.at_risk': 'At risk (likely gone, valuable)',
}

const STATUSES = ['delivered', 'pending', 'failed', 'dead'] as const

type CountRow = { type: MomentType } & Record<(typeof STATUSES)[number], number>

/**
 * Deliveries per moment and status, one row per moment: on the Moments page and the dashboard.
 * @example <MomentCounts counts={await countDeliveries(env.DB, site.id)} />
 */
export function MomentCounts(props: { counts: readonly DeliveryCount[]; id?: string }) {
  const rows: CountRow[] = MOMENT_TYPES.map((type) => {
    const row: CountRow = { type, delivered: 0, pending: 0, failed: 0, dead: 0 }
    for (const count of props.counts) if (count.type === type) row[count.status] = count.deliveries
    return row
  })
  return (
    <Table
      id={props.id ?? 'moment-counts'}
      columns={[
        { header: 'Moment', isRowHeader: true, cell: (row) => MOMENT_LABELS[row.type] },
        ...STATUSES.map((status) => ({
          header: status[0]!.toUpperCase() + status.slice(1),
          isNumeric: true,
          metric: status,
          cell: (row: CountRow) => row[status],
        })),
      ]}
      rows={rows}
      rowAttributes={(row) => ({ 'data-moment': row.type })}
    />
  )
}

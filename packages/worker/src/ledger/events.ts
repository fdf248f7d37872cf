import type { StammisEvent } from '@stammis/contract'
import type { IdentifyRecord } from './types'
import type { Sql } from './sql'

/**
 * Stores the event if its id is new; returns whether it did. A purchase event is stored only when
 * its order was stored from this very event: a known order id under a new event id is a
 * duplicate. An identify stores its customer key and whether it was signed (`identity`): never the
 * raw id (it may be an email address), nor the signature. Other events store their fields.
 * @example addEvent(sql, event, { visitorId, visitId, receivedAt: now, identity: undefined })
 */
export function addEvent(
  sql: Sql,
  event: StammisEvent,
  at: {
    visitorId: string
    visitId: string
    receivedAt: number
    identity: IdentifyRecord | undefined
  },
): boolean {
  const { id, type, ...rest } = event
  const data =
    event.type === 'identify' ? (at.identity ?? { customerKey: null, verified: false }) : rest
  const orderGuard =
    event.type === 'purchase'
      ? 'WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = ?7 AND event_id = ?1)'
      : 'WHERE ?7 IS NULL'
  const inserted = sql
    .exec(
      `INSERT OR IGNORE INTO events (event_id, visitor_id, visit_id, type, received_at, data)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6 ${orderGuard}
       RETURNING event_id`,
      id,
      at.visitorId,
      at.visitId,
      type,
      at.receivedAt,
      JSON.stringify(data),
      event.type === 'purchase' ? event.orderId : null,
    )
    .toArray()
  return inserted.length > 0
}

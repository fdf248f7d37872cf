import type { Delivery, Destination, MomentType } from '@stammis/contract'
import { DELIVERY_LOG_PAGE } from './limits'

// The one module that reads and writes the moment tables (migration 0013): destinations, the
// delivery log and dead letters.

type DestinationRow = {
  id: string
  url: string
  moments: string
  secret: string
  created_at: number
}

/** A destination with its signing secret: server-side only (the consumer signs with it). */
export type DestinationWithSecret = Destination & { secret: string }

function toDestination(row: DestinationRow): DestinationWithSecret {
  return {
    id: row.id,
    url: row.url,
    moments: JSON.parse(row.moments) as MomentType[],
    createdAt: new Date(row.created_at).toISOString(),
    secret: row.secret,
  }
}

/**
 * The site's destinations that are not deleted, oldest first (with their secrets).
 * @example (await listDestinations(env.DB, site.id)).map((destination) => destination.url)
 */
export async function listDestinations(
  db: D1Database,
  siteId: string,
): Promise<DestinationWithSecret[]> {
  const { results } = await db
    .prepare(
      'SELECT id, url, moments, secret, created_at FROM moment_destinations WHERE site_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id',
    )
    .bind(siteId)
    .all<DestinationRow>()
  return results.map(toDestination)
}

/**
 * Adds a destination unless the site already has `limit`: the count and the insert are one
 * statement, so two requests at once cannot both take the last place. False when full.
 * @example await insertDestination(env.DB, site.id, destination, MAX_DESTINATIONS_PER_SITE)
 */
export async function insertDestination(
  db: D1Database,
  siteId: string,
  destination: {
    id: string
    url: string
    moments: MomentType[]
    secret: string
    createdAt: number
  },
  limit: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO moment_destinations (id, site_id, url, moments, secret, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6
       WHERE (SELECT count(*) FROM moment_destinations WHERE site_id = ?2 AND deleted_at IS NULL) < ?7`,
    )
    .bind(
      destination.id,
      siteId,
      destination.url,
      JSON.stringify(destination.moments),
      destination.secret,
      destination.createdAt,
      limit,
    )
    .run()
  return result.meta.changes === 1
}

/**
 * Marks a destination deleted (its log rows keep naming it); false when the site has no such
 * destination. Deliveries still queued for it are dropped by the consumer.
 * @example await deleteDestination(env.DB, site.id, 'dst_V1St', Date.now())
 */
export async function deleteDestination(
  db: D1Database,
  siteId: string,
  destinationId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      'UPDATE moment_destinations SET deleted_at = ?3 WHERE site_id = ?1 AND id = ?2 AND deleted_at IS NULL',
    )
    .bind(siteId, destinationId, now)
    .run()
  return result.meta.changes === 1
}

/** A new delivery-log row, before it is queued. */
export type NewDelivery = {
  id: string
  siteId: string
  destinationId: string
  idempotencyKey: string
  type: MomentType
  customerId: string
  occurrence: string
  payload: string
  createdAt: number
}

/**
 * Inserts delivery rows, one statement each in one batch; a row whose idempotency key exists is
 * skipped. Returns the ids actually inserted: only those are queued, so a repeated moment is a
 * no-op.
 * @example const fresh = await insertDeliveries(env.DB, rows)
 */
export async function insertDeliveries(db: D1Database, rows: NewDelivery[]): Promise<string[]> {
  if (rows.length === 0) return []
  const results = await db.batch(
    rows.map((row) =>
      db
        .prepare(
          `INSERT INTO moment_deliveries (id, site_id, destination_id, idempotency_key, moment_type,
             customer_id, occurrence, payload, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) ON CONFLICT (idempotency_key) DO NOTHING`,
        )
        .bind(
          row.id,
          row.siteId,
          row.destinationId,
          row.idempotencyKey,
          row.type,
          row.customerId,
          row.occurrence,
          row.payload,
          row.createdAt,
        ),
    ),
  )
  return rows.filter((_, index) => results[index]!.meta.changes === 1).map((row) => row.id)
}

/** What the consumer needs to attempt a delivery. */
export type DeliveryJob = {
  id: string
  siteId: string
  idempotencyKey: string
  payload: string
  status: Delivery['status']
  attempts: number
  /** null when the destination was deleted. */
  destination: { url: string; secret: string } | null
}

/**
 * A delivery with its destination, or null if the row is gone.
 * @example const job = await findDeliveryJob(env.DB, message.body.deliveryId)
 */
export async function findDeliveryJob(
  db: D1Database,
  deliveryId: string,
): Promise<DeliveryJob | null> {
  const row = await db
    .prepare(
      `SELECT d.id, d.site_id, d.idempotency_key, d.payload, d.status, d.attempts, t.url, t.secret, t.deleted_at
       FROM moment_deliveries d JOIN moment_destinations t ON t.id = d.destination_id WHERE d.id = ?1`,
    )
    .bind(deliveryId)
    .first<{
      id: string
      site_id: string
      idempotency_key: string
      payload: string
      status: Delivery['status']
      attempts: number
      url: string
      secret: string
      deleted_at: number | null
    }>()
  if (!row) return null
  return {
    id: row.id,
    siteId: row.site_id,
    idempotencyKey: row.idempotency_key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    destination: row.deleted_at === null ? { url: row.url, secret: row.secret } : null,
  }
}

/**
 * Records one attempt's outcome. `dead` also writes the dead letter, in the same batch.
 * @example await recordAttempt(env.DB, job.id, { status: 'delivered', error: null }, Date.now())
 */
export async function recordAttempt(
  db: D1Database,
  delivery: { id: string; siteId: string },
  outcome: { status: 'delivered' | 'failed' | 'dead'; error: string | null },
  now: number,
): Promise<void> {
  const update = db
    .prepare(
      `UPDATE moment_deliveries SET status = ?2, attempts = attempts + 1, last_error = ?3, updated_at = ?4,
         delivered_at = CASE WHEN ?2 = 'delivered' THEN ?4 ELSE delivered_at END
       WHERE id = ?1`,
    )
    .bind(delivery.id, outcome.status, outcome.error, now)
  if (outcome.status !== 'dead') {
    await update.run()
    return
  }
  await db.batch([
    update,
    db
      .prepare(
        `INSERT INTO moment_dead_letters (delivery_id, site_id, attempts, last_error, failed_at)
         SELECT id, site_id, attempts, last_error, ?2 FROM moment_deliveries WHERE id = ?1
         ON CONFLICT (delivery_id) DO UPDATE SET attempts = excluded.attempts,
           last_error = excluded.last_error, failed_at = excluded.failed_at`,
      )
      .bind(delivery.id, now),
  ])
}

/**
 * Marks a delivery dropped without an attempt (its destination was deleted): dead, with the reason.
 * @example await dropDelivery(env.DB, job, 'destination deleted', Date.now())
 */
export async function dropDelivery(
  db: D1Database,
  deliveryId: string,
  reason: string,
  now: number,
): Promise<void> {
  await db
    .prepare(
      "UPDATE moment_deliveries SET status = 'dead', last_error = ?2, updated_at = ?3 WHERE id = ?1",
    )
    .bind(deliveryId, reason, now)
    .run()
}

/**
 * Makes a delivery of the site pending again for a resend (its dead letter removed); false when
 * the site has no such delivery.
 * @example if (!(await reopenDelivery(env.DB, site.id, deliveryId, now))) throw notFound
 */
export async function reopenDelivery(
  db: D1Database,
  siteId: string,
  deliveryId: string,
  now: number,
): Promise<boolean> {
  const [reopened] = await db.batch([
    db
      .prepare(
        "UPDATE moment_deliveries SET status = 'pending', updated_at = ?3 WHERE site_id = ?1 AND id = ?2",
      )
      .bind(siteId, deliveryId, now),
    db
      .prepare('DELETE FROM moment_dead_letters WHERE site_id = ?1 AND delivery_id = ?2')
      .bind(siteId, deliveryId),
  ])
  return reopened!.meta.changes === 1
}

type DeliveryRow = {
  id: string
  destination_id: string
  moment_type: MomentType
  customer_id: string
  occurrence: string
  status: Delivery['status']
  attempts: number
  last_error: string | null
  created_at: number
  updated_at: number
  delivered_at: number | null
}

function toDelivery(row: DeliveryRow): Delivery {
  const iso = (time: number) => new Date(time).toISOString()
  return {
    id: row.id,
    destinationId: row.destination_id,
    type: row.moment_type,
    customerId: row.customer_id,
    occurrence: row.occurrence,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deliveredAt: row.delivered_at === null ? null : iso(row.delivered_at),
  }
}

/**
 * The site's newest deliveries (DELIVERY_LOG_PAGE of them).
 * @example (await listDeliveries(env.DB, site.id))[0]?.status // 'delivered'
 */
export async function listDeliveries(db: D1Database, siteId: string): Promise<Delivery[]> {
  const { results } = await db
    .prepare(
      `SELECT id, destination_id, moment_type, customer_id, occurrence, status, attempts, last_error,
         created_at, updated_at, delivered_at
       FROM moment_deliveries WHERE site_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2`,
    )
    .bind(siteId, DELIVERY_LOG_PAGE)
    .all<DeliveryRow>()
  return results.map(toDelivery)
}

/** Deliveries per moment type and status. */
export type DeliveryCount = { type: MomentType; status: Delivery['status']; deliveries: number }

/**
 * How many deliveries the site has per moment and status (created in [from, to) when given).
 * @example await countDeliveries(env.DB, site.id) // [{ type: 'customer.lapsed', status: 'delivered', deliveries: 12 }]
 */
export async function countDeliveries(
  db: D1Database,
  siteId: string,
  range: { from: number; to: number } = { from: 0, to: Number.MAX_SAFE_INTEGER },
): Promise<DeliveryCount[]> {
  const { results } = await db
    .prepare(
      `SELECT moment_type AS type, status, count(*) AS deliveries FROM moment_deliveries
       WHERE site_id = ?1 AND created_at >= ?2 AND created_at < ?3
       GROUP BY moment_type, status ORDER BY moment_type, status`,
    )
    .bind(siteId, range.from, range.to)
    .all<DeliveryCount>()
  return results
}

/**
 * Deliveries never attempted and created before `before`: their queue message was lost (the
 * send after the insert failed). The daily scan queues them again.
 * @example await findStalePending(env.DB, Date.now() - STALE_PENDING_MS, 100)
 */
export async function findStalePending(
  db: D1Database,
  before: number,
  limit: number,
): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT id FROM moment_deliveries WHERE status = 'pending' AND attempts = 0 AND created_at < ?1 ORDER BY created_at LIMIT ?2",
    )
    .bind(before, limit)
    .all<{ id: string }>()
  return results.map((row) => row.id)
}

/**
 * The ids of sites with at least one destination: the daily scan runs for these alone.
 * @example await sitesWithDestinations(env.DB) // ['site_1']
 */
export async function sitesWithDestinations(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      'SELECT DISTINCT site_id FROM moment_destinations WHERE deleted_at IS NULL ORDER BY site_id',
    )
    .all<{ site_id: string }>()
  return results.map((row) => row.site_id)
}

/**
 * Erases the deliveries (and their dead letters) that name a customer, by the id the shop gave:
 * the privacy route's customer erase. Answers how many deliveries were deleted.
 * @example await eraseCustomerDeliveries(env.DB, site.id, 'cust-42')
 */
export async function eraseCustomerDeliveries(
  db: D1Database,
  siteId: string,
  customerId: string,
): Promise<number> {
  const deliveries = 'SELECT id FROM moment_deliveries WHERE site_id = ?1 AND customer_id = ?2'
  const [, deleted] = await db.batch([
    db
      .prepare(
        `DELETE FROM moment_dead_letters WHERE site_id = ?1 AND delivery_id IN (${deliveries})`,
      )
      .bind(siteId, customerId.trim()),
    db
      .prepare('DELETE FROM moment_deliveries WHERE site_id = ?1 AND customer_id = ?2')
      .bind(siteId, customerId.trim()),
  ])
  return deleted!.meta.changes
}

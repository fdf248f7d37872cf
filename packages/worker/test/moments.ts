import { env } from 'cloudflare:test'
import type { MomentType } from '@stammis/contract'
import { adminFetch, type TestSite } from './helpers'

// Helpers for the lifecycle-moment tests: destinations through the admin API, pointing at the
// local receiver (test/moments-receiver.mjs) that vitest.config.mts starts.

let receiverNames = 0

/** What the receiver recorded of one delivery. */
export type Received = {
  headers: {
    timestamp: string | null
    signature: string | null
    idempotencyKey: string | null
    contentType: string | null
  }
  body: string
  verified: boolean
}

/**
 * A destination of the site on the local receiver, under a fresh name, through the admin API; the
 * receiver learns its secret (and how many deliveries to fail first) so it can verify signatures.
 * @example const hook = await receiverDestination(site, ['customer.lapsed'])
 */
export async function receiverDestination(
  site: TestSite,
  moments: MomentType[],
  options: { failures?: number; status?: number } = {},
): Promise<{ id: string; secret: string; name: string; url: string }> {
  const name = `hook-${Date.now().toString(36)}-${++receiverNames}`
  const url = `${env.MOMENTS_RECEIVER_URL}/hooks/${name}`
  const response = await adminFetch('/v1/admin/destinations', site.secretKey, {
    method: 'POST',
    body: JSON.stringify({ url, moments }),
  })
  const created = (await response.json()) as { destination: { id: string }; secret: string }
  if (response.status !== 201) throw new Error(`destination failed: ${JSON.stringify(created)}`)
  await configureReceiver(name, { secret: created.secret, ...options })
  return { id: created.destination.id, secret: created.secret, name, url }
}

/** Tells the receiver the secret of a name and how many deliveries to fail first. */
export async function configureReceiver(
  name: string,
  config: { secret: string; failures?: number; status?: number },
): Promise<void> {
  const response = await fetch(`${env.MOMENTS_RECEIVER_URL}/config/${name}`, {
    method: 'POST',
    body: JSON.stringify(config),
  })
  if (response.status !== 204) throw new Error(`receiver config failed: ${response.status}`)
}

/** Every delivery the receiver recorded for a name, oldest first. */
export async function receivedBy(name: string): Promise<Received[]> {
  const response = await fetch(`${env.MOMENTS_RECEIVER_URL}/received/${name}`)
  return (await response.json()) as Received[]
}

/** A delivery-log row as stored. */
export async function deliveryRows(siteId: string): Promise<
  {
    id: string
    destination_id: string
    moment_type: string
    customer_id: string
    occurrence: string
    status: string
    attempts: number
    last_error: string | null
    payload: string
    idempotency_key: string
  }[]
> {
  const { results } = await env.DB.prepare(
    'SELECT * FROM moment_deliveries WHERE site_id = ?1 ORDER BY created_at, id',
  )
    .bind(siteId)
    .all()
  return results as never
}

import type { CreateDestinationRequest, Destination } from '@stammis/contract'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { randomAlphanumeric } from '../lib/crypto'
import { allowsLocalDestinations } from './deliver'
import { checkDestinationUrl } from './destination-url'
import { MAX_DESTINATIONS_PER_SITE } from './limits'
import { deleteDestination, insertDestination, listDestinations } from './queries'
import { queueDeliveries } from './send'
import { reopenDelivery } from './queries'

/**
 * Adds a destination after checking its URL; answers it with its signing secret (shown this
 * once). Throws `destination_not_allowed` or `destination_limit_reached`.
 * @example const { destination, secret } = await addDestination(env, site, { url, moments })
 */
export async function addDestination(
  env: Pick<Env, 'DB' | 'MOMENTS_ALLOW_LOCAL_DESTINATIONS'>,
  site: { id: string },
  request: CreateDestinationRequest,
  now = Date.now(),
): Promise<{ destination: Destination; secret: string }> {
  const refusal = checkDestinationUrl(request.url, { allowLocal: allowsLocalDestinations(env) })
  if (refusal)
    throw new ApiError(
      'destination_not_allowed',
      `url: ${refusal} (${JSON.stringify(request.url)}).`,
    )
  const destination = {
    id: `dst_${randomAlphanumeric(16)}`,
    url: request.url,
    moments: request.moments,
    secret: `mhsec_${randomAlphanumeric(40)}`,
    createdAt: now,
  }
  if (!(await insertDestination(env.DB, site.id, destination, MAX_DESTINATIONS_PER_SITE)))
    throw new ApiError(
      'destination_limit_reached',
      `The site already has ${MAX_DESTINATIONS_PER_SITE} destinations; delete one first.`,
    )
  return {
    destination: {
      id: destination.id,
      url: destination.url,
      moments: destination.moments,
      createdAt: new Date(now).toISOString(),
    },
    secret: destination.secret,
  }
}

/**
 * The site's destinations, without their secrets.
 * @example (await destinationsOf(env, site)).length
 */
export async function destinationsOf(
  env: Pick<Env, 'DB'>,
  site: { id: string },
): Promise<Destination[]> {
  return (await listDestinations(env.DB, site.id)).map(({ secret: _secret, ...rest }) => rest)
}

/**
 * Deletes a destination; throws `destination_not_found` when the site has none by that id.
 * @example await removeDestination(env, site, 'dst_V1St')
 */
export async function removeDestination(
  env: Pick<Env, 'DB'>,
  site: { id: string },
  destinationId: string,
  now = Date.now(),
): Promise<void> {
  if (!(await deleteDestination(env.DB, site.id, destinationId, now)))
    throw new ApiError('destination_not_found', `The site has no destination "${destinationId}".`)
}

/**
 * Sends a delivery again (the admin's resend button): pending, its dead letter removed, queued.
 * Same payload and idempotency key: a receiver that already handled it ignores it. Throws
 * `delivery_not_found` when the site has no such delivery.
 * @example await resendDelivery(env, site, 'dlv_V1St')
 */
export async function resendDelivery(
  env: Pick<Env, 'DB' | 'MOMENTS_QUEUE'>,
  site: { id: string },
  deliveryId: string,
  now = Date.now(),
): Promise<void> {
  if (!(await reopenDelivery(env.DB, site.id, deliveryId, now)))
    throw new ApiError('delivery_not_found', `The site has no delivery "${deliveryId}".`)
  await queueDeliveries(env, [deliveryId])
}

import type { ZodOpenApiPathsObject } from 'zod-openapi'
import { z } from 'zod'
import {
  CreateDestinationRequestSchema,
  DeliveryLogSchema,
  DestinationCreatedSchema,
  DestinationListSchema,
  ResendResultSchema,
} from '../moments'
import { adminOperation, jsonAnswer, jsonBody } from './common'

const destinationId = z.object({ id: z.string().meta({ description: 'The destination id.' }) })
const deliveryId = z.object({ id: z.string().meta({ description: 'The delivery id.' }) })

/** The admin routes of lifecycle moments: destinations and the delivery log. */
export const momentPaths: ZodOpenApiPathsObject = {
  '/v1/admin/destinations': {
    post: adminOperation(
      'write',
      {
        operationId: 'createDestination',
        summary: 'Send moments to a URL',
        description:
          'https only, on a public host. The answer holds the signing secret, shown this once. At most 10 per site.',
        requestBody: jsonBody(CreateDestinationRequestSchema),
        responses: {
          201: jsonAnswer(DestinationCreatedSchema, 'The destination and its secret.'),
        },
      },
      ['destination_not_allowed', 'destination_limit_reached'],
    ),
    get: adminOperation('read', {
      operationId: 'listDestinations',
      summary: "The site's destinations",
      description: 'Never their secrets.',
      responses: { 200: jsonAnswer(DestinationListSchema, 'The destinations, oldest first.') },
    }),
  },
  '/v1/admin/destinations/{id}': {
    delete: adminOperation(
      'write',
      {
        operationId: 'deleteDestination',
        summary: 'Stop sending moments to a destination',
        description: 'Deliveries still queued for it are dropped; its log rows stay.',
        requestParams: { path: destinationId },
        responses: { 204: { description: 'Deleted.' } },
      },
      ['destination_not_found'],
    ),
  },
  '/v1/admin/moments/deliveries': {
    get: adminOperation('read', {
      operationId: 'listMomentDeliveries',
      summary: 'The delivery log',
      description: 'The newest 100 deliveries, and counts per moment and status.',
      responses: { 200: jsonAnswer(DeliveryLogSchema, 'Deliveries and counts.') },
    }),
  },
  '/v1/admin/moments/deliveries/{id}/resend': {
    post: adminOperation(
      'write',
      {
        operationId: 'resendMomentDelivery',
        summary: 'Send a delivery again',
        description:
          'The same body and idempotency key, newly signed; a dead letter is cleared and retried in full.',
        requestParams: { path: deliveryId },
        responses: {
          200: jsonAnswer(ResendResultSchema, 'Queued again.'),
        },
      },
      ['delivery_not_found'],
    ),
  },
}

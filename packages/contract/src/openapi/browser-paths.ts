import { z } from 'zod'
import type { ZodOpenApiPathsObject, ZodOpenApiRequestBodyObject } from 'zod-openapi'
import { DecideRequestSchema, DecideResponseSchema } from '../decide'
import { BotEventsResponseSchema, EventsRequestSchema, EventsResponseSchema } from '../events'
import { PublicKeySchema } from '../ids'
import { ServerOrdersRequestSchema, ServerOrdersResultSchema } from '../orders'
import { BODY_ERRORS, errorResponses, jsonAnswer, PUBLIC_KEY_AUTH } from './common'

/** Browser bodies: JSON sent as application/json, or as text/plain (no CORS preflight). */
function browserBody(schema: z.ZodType): ZodOpenApiRequestBodyObject {
  return {
    required: true,
    description: 'JSON, at most 64 KB, sent as `application/json` or as `text/plain` (the SDK).',
    content: { 'application/json': { schema }, 'text/plain': { schema } },
  }
}

const BROWSER_ERRORS = [
  ...BODY_ERRORS,
  'missing_site_key',
  'unknown_site',
  'secret_key_in_browser_call',
  'origin_not_allowed',
  'rate_limited',
] as const

/** The routes browsers and shop servers call without the secret key, and the script itself. */
export const browserPaths: ZodOpenApiPathsObject = {
  '/v1/events': {
    post: {
      operationId: 'postEvents',
      tags: ['browser'],
      summary: 'Record a batch of events',
      description: `Visits, page views, purchases, identifies and custom events, 1 to 50, stored in one transaction: a batch with one invalid event stores nothing. An event id or order id seen before is a duplicate: acknowledged, never counted twice. ${PUBLIC_KEY_AUTH}`,
      security: [],
      requestBody: browserBody(EventsRequestSchema),
      responses: {
        200: jsonAnswer(EventsResponseSchema, 'Stored; the profile as of this batch.'),
        202: jsonAnswer(BotEventsResponseSchema, 'From a bot: nothing stored.'),
        ...errorResponses([...BROWSER_ERRORS, 'quota_exceeded']),
      },
    },
  },
  '/v1/decide': {
    post: {
      operationId: 'postDecide',
      tags: ['browser'],
      summary: 'What each slot should show this visitor',
      description: `The visitor's profile and, per slot, the winning rule's content and offer (null: keep the page's default). Exposures are recorded after the answer; previews (\`preview\` token) record nothing. ${PUBLIC_KEY_AUTH}`,
      security: [],
      requestBody: browserBody(DecideRequestSchema),
      responses: {
        200: jsonAnswer(DecideResponseSchema, 'A decision or null for every slot asked.'),
        ...errorResponses([...BROWSER_ERRORS, 'invalid_preview']),
      },
    },
  },
  '/v1/webhooks/{publicKey}/orders': {
    post: {
      operationId: 'postOrderWebhook',
      tags: ['server'],
      summary: 'Report orders from the shop platform, signed',
      description:
        'The same body and answer as `POST /v1/admin/orders`, without the secret key: signed with the webhook secret. A delivery is accepted once; one more than 5 minutes from now is refused.',
      security: [{ webhookSignature: [] }],
      requestParams: {
        path: z.object({ publicKey: PublicKeySchema }),
        header: z.object({
          'Stammis-Timestamp': z
            .string()
            .meta({ description: 'Unix seconds when the delivery was signed.' }),
        }),
      },
      requestBody: {
        required: true,
        description: 'JSON, at most 2 MB; the signature covers these exact bytes.',
        content: { 'application/json': { schema: ServerOrdersRequestSchema } },
      },
      responses: {
        200: jsonAnswer(ServerOrdersResultSchema, 'The orders, stored or settled.'),
        ...errorResponses([
          ...BODY_ERRORS,
          'unknown_site',
          'invalid_signature',
          'stale_webhook',
          'webhook_replayed',
          'rate_limited',
        ]),
      },
    },
  },
  '/s.js': {
    get: {
      operationId: 'getScript',
      tags: ['browser'],
      summary: 'The script tag',
      description:
        'Cached 5 minutes (stale-while-revalidate a day), with an ETag: `If-None-Match` gets 304.',
      security: [],
      responses: {
        200: {
          description: 'The SDK bundle.',
          content: { 'application/javascript': { schema: z.string() } },
        },
        304: { description: 'Not modified.' },
        ...errorResponses([]),
      },
    },
  },
  '/edge.js': {
    get: {
      operationId: 'getEdgeScript',
      tags: ['browser'],
      summary: 'The script tag for pages the Stammis edge personalized',
      description:
        'Like `/s.js`, for pages served through the edge: it never asks for or re-renders the slots the edge filled (`data-stammis-filled`), never hides slots, and keeps the visit and profile token in the cookies the edge reads (`stm_s`, `stm_p`). Cached like `/s.js`, with an ETag.',
      security: [],
      responses: {
        200: {
          description: 'The SDK bundle for edge pages.',
          content: { 'application/javascript': { schema: z.string() } },
        },
        304: { description: 'Not modified.' },
        ...errorResponses([]),
      },
    },
  },
  '/preview.js': {
    get: {
      operationId: 'getPreviewScript',
      tags: ['browser'],
      summary: 'The preview chunk of the script tag',
      description:
        'An ES module: the SDK with preview mode, which `/s.js` imports only on a preview link (`?stammis_preview=`). Cached like `/s.js`, with an ETag.',
      security: [],
      responses: {
        200: {
          description: 'The preview bundle.',
          content: { 'application/javascript': { schema: z.string() } },
        },
        304: { description: 'Not modified.' },
        ...errorResponses([]),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      tags: ['browser'],
      summary: 'This document',
      description: 'OpenAPI 3.1, generated from the contract; cached 5 minutes.',
      security: [],
      responses: {
        200: jsonAnswer(
          z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
          'The OpenAPI document.',
        ),
        ...errorResponses([]),
      },
    },
  },
}

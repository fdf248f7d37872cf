import { createDocument } from 'zod-openapi'
import { RuleWarningSchema, RulesetDiffSchema } from '../admin'
import { DecisionSchema } from '../decide'
import { ErrorBodySchema } from '../errors'
import { EventSchema } from '../events'
import { ProfileSchema } from '../profile'
import {
  ContentSchema,
  JsonValueSchema,
  OfferSchema,
  RuleSchema,
  ServedOfferSchema,
} from '../rules'
import { browserPaths } from './browser-paths'
import { SECURITY_SCHEMES } from './common'
import { dataPaths } from './data-paths'
import { predictionPaths } from './prediction-paths'
import { momentPaths } from './moment-paths'
import { rulesPaths } from './rules-paths'
import { sitePaths } from './site-paths'

export type OpenApiDocument = ReturnType<typeof createDocument>

/**
 * The API's OpenAPI 3.1 document, generated from the contract's zod schemas (zod-openapi): every
 * route with its body, its answers by status and its auth. Pure and deterministic; the worker
 * builds it once per isolate and serves it at `GET /openapi.json`.
 * @example const document = createOpenApiDocument(); document.paths['/v1/events'].post
 */
export function createOpenApiDocument(): OpenApiDocument {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Stammis API',
      version: '1',
      description:
        'Classifies each shop visitor as shopper, returning or repeat customer and fills page slots with the content and offer marketers chose for that segment. Browser routes take the public key in the body; admin routes the secret key or the admin session. Every error is `{"error": {"code", "message", "issues"?}}`.',
    },
    tags: [
      { name: 'browser', description: 'Called by the script tag (public key).' },
      { name: 'server', description: "Called by the shop's platform (signed webhook)." },
      { name: 'admin', description: 'Secret key or admin session.' },
    ],
    paths: {
      ...browserPaths,
      ...rulesPaths,
      ...sitePaths,
      ...dataPaths,
      ...predictionPaths,
      ...momentPaths,
    },
    components: {
      securitySchemes: SECURITY_SCHEMES,
      // Named once here, every use becomes a $ref (a schema used in requests and in answers gets
      // an `...Output` twin, as its answer form has its defaults filled in).
      schemas: {
        Profile: ProfileSchema,
        Event: EventSchema,
        Decision: DecisionSchema,
        Content: ContentSchema,
        JsonValue: JsonValueSchema,
        Offer: OfferSchema,
        ServedOffer: ServedOfferSchema,
        Rule: RuleSchema,
        RuleWarning: RuleWarningSchema,
        RulesetDiff: RulesetDiffSchema,
        ErrorBody: ErrorBodySchema,
      },
    },
  })
}

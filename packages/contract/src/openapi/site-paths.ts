import type { ZodOpenApiPathsObject } from 'zod-openapi'
import { RetentionSettingSchema } from '../privacy'
import {
  IdentitySecretSchema,
  PublicKeyRotationSchema,
  SecretKeyRotationSchema,
  SiteSettingsPatchResultSchema,
  SiteSettingsPatchSchema,
  SiteSettingsSchema,
  WebhookSecretSchema,
} from '../site'
import { adminOperation, jsonAnswer, jsonBody } from './common'

/** The admin routes of the site itself: settings, keys and secrets, retention. */
export const sitePaths: ZodOpenApiPathsObject = {
  '/v1/admin/site': {
    get: adminOperation('read', {
      operationId: 'getSite',
      summary: "The site's settings",
      description:
        'Never a secret: whether the webhook and identity secrets exist, and the previous public key during its grace period.',
      responses: { 200: jsonAnswer(SiteSettingsSchema, 'The settings.') },
    }),
    patch: adminOperation('write', {
      operationId: 'patchSite',
      summary: 'Change settings',
      description:
        '`trustBrowserPurchases` applies to each visitor from their next event or order on; `allowScripts` (serve html content with scripts) from the next decide on.',
      requestBody: jsonBody(SiteSettingsPatchSchema),
      responses: {
        200: jsonAnswer(SiteSettingsPatchResultSchema, 'The settings as they now are.'),
      },
    }),
  },
  '/v1/admin/site/rotate-secret': {
    post: adminOperation('write', {
      operationId: 'rotateSecretKey',
      summary: 'A new secret key',
      description:
        'Shown once. The old key and every admin session of the site stop working at once.',
      responses: { 200: jsonAnswer(SecretKeyRotationSchema, 'The new key (never shown again).') },
    }),
  },
  '/v1/admin/site/rotate-public-key': {
    post: adminOperation('write', {
      operationId: 'rotatePublicKey',
      summary: 'A new public key',
      description: 'The old one keeps working for 7 days, so cached pages keep working.',
      responses: { 200: jsonAnswer(PublicKeyRotationSchema, 'The new and the previous key.') },
    }),
  },
  '/v1/admin/site/webhook-secret': {
    post: adminOperation('write', {
      operationId: 'createWebhookSecret',
      summary: "The order webhook's signing secret",
      description: 'Shown once; replaces the previous one at once.',
      responses: { 200: jsonAnswer(WebhookSecretSchema, 'The secret (never shown again).') },
    }),
  },
  '/v1/admin/site/identity-secret': {
    post: adminOperation('write', {
      operationId: 'createIdentitySecret',
      summary: 'The secret that signs customer ids',
      description:
        'Shown once; replaces the previous one at once. Only identifies signed with it link a browser to a customer.',
      responses: { 200: jsonAnswer(IdentitySecretSchema, 'The secret (never shown again).') },
    }),
  },
  '/v1/admin/settings/retention': {
    get: adminOperation('read', {
      operationId: 'getRetention',
      summary: 'How long raw events are kept',
      responses: { 200: jsonAnswer(RetentionSettingSchema, 'Days, or null: forever.') },
    }),
    put: adminOperation('write', {
      operationId: 'putRetention',
      summary: 'Set how long raw events are kept',
      description: 'The daily purge deletes older raw events; visits, orders and aggregates stay.',
      requestBody: jsonBody(RetentionSettingSchema),
      responses: { 200: jsonAnswer(RetentionSettingSchema, 'The setting as it now is.') },
    }),
  },
}

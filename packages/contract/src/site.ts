import { z } from 'zod'
import { CurrencySchema, DateTimeSchema, PublicKeySchema } from './ids'
import { PredictionSettingsSchema } from './predictions'

/** Body of `PATCH /v1/admin/site`: the settings to change (absent ones are kept). */
export const SiteSettingsPatchSchema = z.strictObject({
  /** Count browser-reported purchases for classification at once (true), or only once verified. */
  trustBrowserPurchases: z.boolean().optional(),
  lapseDays: z.number().int().min(1).max(3650).optional(),
  /**
   * Serve html content exactly as saved, scripts and event handlers included (true), or sanitized
   * to the allowlist (false, the default). It runs on every page with a slot, checkout included.
   */
  allowScripts: z.boolean().optional(),
  /** Prediction settings: `atRiskBelow`, the P(alive) under which a valuable customer is at risk (default 0.5). */
  predictions: PredictionSettingsSchema.optional(),
})

/**
 * Answer of `PATCH /v1/admin/site`: the settings as they now are.
 * @example { trustBrowserPurchases: false, lapseDays: 90, allowScripts: false, predictions: { atRiskBelow: 0.5 } }
 */
export const SiteSettingsPatchResultSchema = z.strictObject({
  trustBrowserPurchases: z.boolean(),
  lapseDays: z.number().int().positive(),
  allowScripts: z.boolean(),
  predictions: PredictionSettingsSchema,
})

/**
 * Answer of `GET /v1/admin/site`: the site's settings (never a secret), whether its webhook and
 * identity secrets exist, and the previous public key while it is in its grace period.
 * @example { id: 'site_...', name: 'Demo shop', publicKey: 'pk_demo', allowedOrigins: ['https://shop.example'], currency: 'USD', lapseDays: 90, timeZone: 'UTC', trustBrowserPurchases: true, allowScripts: false, hasWebhookSecret: false, hasIdentitySecret: false, previousPublicKey: null, previousKeyValidUntil: null }
 */
export const SiteSettingsSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  publicKey: PublicKeySchema,
  /** Exact origins, `https://*.shop.example` for subdomains, `http://localhost:*` for any port. */
  allowedOrigins: z.array(z.string()),
  currency: CurrencySchema,
  lapseDays: z.number().int().positive(),
  /** IANA time zone of the shop's calendar days (metrics, imported history). */
  timeZone: z.string(),
  trustBrowserPurchases: z.boolean(),
  allowScripts: z.boolean(),
  hasWebhookSecret: z.boolean(),
  hasIdentitySecret: z.boolean(),
  previousPublicKey: PublicKeySchema.nullable(),
  previousKeyValidUntil: DateTimeSchema.nullable(),
  /**
   * The daily write quota: rows the site may store through its public key per UTC day (only the
   * operator changes it, `pnpm stammis site quota`), and how many today used.
   */
  quota: z.strictObject({
    limit: z.number().int().nonnegative(),
    used: z.number().int().nonnegative(),
  }),
})

/**
 * Answer of `POST /v1/admin/site/rotate-secret`: the new secret key, shown once.
 * @example { secretKey: 'sk_...', sessionsEnded: 2 }
 */
export const SecretKeyRotationSchema = z.strictObject({
  /** Only its SHA-256 is stored: this answer is the one place it is ever shown. */
  secretKey: z.string().startsWith('sk_'),
  /** Admin sessions ended by the rotation. */
  sessionsEnded: z.number().int().nonnegative(),
})

/**
 * Answer of `POST /v1/admin/site/rotate-public-key`.
 * @example { publicKey: 'pk_new', previousPublicKey: 'pk_old', previousKeyValidUntil: '2026-11-27T10:00:00.000Z' }
 */
export const PublicKeyRotationSchema = z.strictObject({
  publicKey: PublicKeySchema,
  previousPublicKey: PublicKeySchema,
  /** Until when the previous key still works. */
  previousKeyValidUntil: DateTimeSchema,
})

/** Answer of `POST /v1/admin/site/webhook-secret`: the order webhook's signing secret, shown once. */
export const WebhookSecretSchema = z.strictObject({ secret: z.string().startsWith('whsec_') })

/** Answer of `POST /v1/admin/site/identity-secret`: the secret that signs customer ids, shown once. */
export const IdentitySecretSchema = z.strictObject({
  identitySecret: z.string().startsWith('idsec_'),
})

export type SiteSettingsPatch = z.infer<typeof SiteSettingsPatchSchema>
export type SiteSettingsPatchResult = z.infer<typeof SiteSettingsPatchResultSchema>
export type SiteSettings = z.infer<typeof SiteSettingsSchema>
export type SecretKeyRotation = z.infer<typeof SecretKeyRotationSchema>
export type PublicKeyRotation = z.infer<typeof PublicKeyRotationSchema>
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>
export type IdentitySecret = z.infer<typeof IdentitySecretSchema>

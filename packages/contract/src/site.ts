import { z } from 'zod'
import { CurrencySchema, DateTimeSchema, PublicKeySchema } from './ids'
import { PredictionSettingsSchema } from './predictions'

/** Body of `PATCH /v1/admin/site`: the settings to change (absent ones are kept). */
/** The most hostnames one site's edge may serve (`edge.hostnames`). */
export const MAX_EDGE_HOSTNAMES = 10

/**
 * A hostname the Stammis edge serves, as browsers send it in Host: lower case, no trailing dot,
 * with `:port` only when not the default (local runs, e.g. `127.0.0.1:8789`).
 * @example EdgeHostnameSchema.parse('shop.example')
 */
export const EdgeHostnameSchema = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/,
    'must be a lowercase hostname such as "shop.example" (with ":port" only for a local one)',
  )

const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:[0-9]{1,5})?$/
const HTTPS_ORIGIN =
  /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/

/**
 * The shop's origin the edge fetches pages from: `https://host[:port]`, or `http://127.0.0.1` /
 * `http://localhost` (any port) for local runs. No path, query or credentials: the request's path is
 * appended to it as is.
 * @example EdgeOriginSchema.parse('https://origin.shop.example')
 */
export const EdgeOriginSchema = z
  .string()
  .max(300)
  .refine(
    (origin) => HTTPS_ORIGIN.test(origin) || LOCAL_ORIGIN.test(origin),
    'must be an https origin such as "https://origin.shop.example" (no path), or http://127.0.0.1 or http://localhost with a port',
  )

/**
 * Edge mode: the worker on the shop's own hostnames (a route such as `shop.example/*`) fetches
 * each page from `origin` and fills its slots before it reaches the browser.
 * @example { origin: 'https://origin.shop.example', hostnames: ['shop.example', 'www.shop.example'] }
 */
export const EdgeConfigSchema = z
  .strictObject({
    origin: EdgeOriginSchema,
    hostnames: z
      .array(EdgeHostnameSchema)
      .min(1)
      .max(MAX_EDGE_HOSTNAMES)
      .refine(
        (hostnames) => new Set(hostnames).size === hostnames.length,
        'hostnames must not repeat',
      ),
  })
  .refine(
    (edge) => edge.origin.startsWith('https:') || !edge.hostnames.includes(edge.origin.slice(7)),
    'a local origin must not be one of the edge hostnames: the edge would fetch itself',
  )

export const SiteSettingsPatchSchema = z.strictObject({
  /** Count browser-reported purchases for classification at once (true), or only once verified. */
  trustBrowserPurchases: z.boolean().optional(),
  lapseDays: z.number().int().min(1).max(3650).optional(),
  /**
   * Serve html content exactly as saved, scripts and event handlers included (true), or sanitized
   * to the allowlist (false, the default). It runs on every page with a slot, checkout included.
   */
  allowScripts: z.boolean().optional(),
  /** Edge mode's origin and hostnames (replacing the ones before); null turns edge mode off. */
  edge: EdgeConfigSchema.nullable().optional(),
  /** Prediction settings: `atRiskBelow`, the P(alive) under which a valuable customer is at risk (default 0.5). */
  predictions: PredictionSettingsSchema.optional(),
})

/**
 * Answer of `PATCH /v1/admin/site`: the settings as they now are.
 * @example { trustBrowserPurchases: false, lapseDays: 90, allowScripts: false, edge: null, predictions: { atRiskBelow: 0.5 } }
 */
export const SiteSettingsPatchResultSchema = z.strictObject({
  trustBrowserPurchases: z.boolean(),
  lapseDays: z.number().int().positive(),
  allowScripts: z.boolean(),
  edge: EdgeConfigSchema.nullable(),
  predictions: PredictionSettingsSchema,
})

/**
 * Answer of `GET /v1/admin/site`: the site's settings (never a secret), whether its webhook and
 * identity secrets exist, and the previous public key while it is in its grace period.
 * @example { id: 'site_...', name: 'Demo shop', publicKey: 'pk_demo', allowedOrigins: ['https://shop.example'], currency: 'USD', lapseDays: 90, timeZone: 'UTC', trustBrowserPurchases: true, allowScripts: false, edge: null, hasWebhookSecret: false, hasIdentitySecret: false, previousPublicKey: null, previousKeyValidUntil: null }
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
  /** Edge mode's origin and hostnames, or null when the site does not use it. */
  edge: EdgeConfigSchema.nullable(),
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

export type EdgeConfig = z.infer<typeof EdgeConfigSchema>
export type SiteSettingsPatch = z.infer<typeof SiteSettingsPatchSchema>
export type SiteSettingsPatchResult = z.infer<typeof SiteSettingsPatchResultSchema>
export type SiteSettings = z.infer<typeof SiteSettingsSchema>
export type SecretKeyRotation = z.infer<typeof SecretKeyRotationSchema>
export type PublicKeyRotation = z.infer<typeof PublicKeyRotationSchema>
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>
export type IdentitySecret = z.infer<typeof IdentitySecretSchema>

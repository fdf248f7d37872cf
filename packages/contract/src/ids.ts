import { z } from 'zod'
import { MAX_URL_LENGTH } from './limits'

/**
 * Client-generated identifiers (visitor, visit, event): nanoid, UUID or similar.
 * Kept to a URL-safe alphabet so they can travel in cookies, keys and logs unescaped.
 * @example IdSchema.parse('V1StGXR8_Z5jdHi6B-myT')
 */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, "_" and "-"')

/** A site's public key, safe to ship to browsers. @example 'pk_demo' */
export const PublicKeySchema = z
  .string()
  .regex(/^pk_[A-Za-z0-9_-]{1,64}$/, 'must be a public key starting with "pk_"')

/** A slot name as written in `data-stammis-slot`. @example 'hero' */
export const SlotNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "_" or "-"')

/** ISO 4217 currency code. @example 'USD' */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code like "USD"')

/** An absolute or relative URL as the browser reports it; bounded so a page cannot bloat storage. */
export const UrlSchema = z.string().max(MAX_URL_LENGTH)

/** ISO 8601 date-time with offset, as produced by `Date.prototype.toISOString`. */
export const DateTimeSchema = z.iso.datetime({ offset: true })

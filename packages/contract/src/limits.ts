import { z } from 'zod'

/**
 * The largest revenue or discount of one order, in its currency (browser purchases, server
 * orders, import and webhook alike). Stored as micro-units, one order is at most 1e15 < 2^53, so
 * it is exact in a double too; sums of many are taken with SQLite's `total()`, which cannot overflow.
 */
export const MAX_ORDER_AMOUNT = 1e9

/** The most a `track` event's `props` may take, as UTF-8 JSON. */
export const MAX_TRACK_PROPS_BYTES = 2048

/** The longest URL or referrer accepted (the SDK clips to it); stored ones keep only utm_* parameters. */
export const MAX_URL_LENGTH = 2048

/**
 * An order's revenue or discount: a finite amount from 0 to `MAX_ORDER_AMOUNT`.
 * @example MoneySchema.parse(59.9)
 */
export const MoneySchema = z.number().finite().nonnegative().max(MAX_ORDER_AMOUNT)

/**
 * Bytes of `value` as UTF-8 JSON (counted by hand: the contract runs where TextEncoder may not be typed).
 * @example jsonBytes({ sku: 'MUG' }) // 13
 */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? ''
  let bytes = 0
  for (const char of json) {
    const code = char.codePointAt(0)!
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return bytes
}

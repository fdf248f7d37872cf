// Money is stored and summed as integer micro-units (1.00 = 1,000,000), so sums are exact.

export const MICROS_PER_UNIT = 1_000_000

/** An amount as integer micro-units. @example toMicros(19.99) // 19990000 */
export function toMicros(amount: number): number {
  return Math.round(amount * MICROS_PER_UNIT)
}

/** Micro-units as an amount. @example fromMicros(19990000) // 19.99 */
export function fromMicros(micros: number): number {
  return micros / MICROS_PER_UNIT
}

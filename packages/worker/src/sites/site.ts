/** A shop using Stammis, as the worker uses it (no secrets). */
export type Site = {
  id: string
  name: string
  publicKey: string
  allowedOrigins: string[]
  currency: string
  lapseDays: number
  timeZone: string
}

export const DEFAULT_LAPSE_DAYS = 90

/** A shop using Stammis, as the worker uses it (no secrets). */
export type Site = {
  id: string
  name: string
  publicKey: string
  /** Server-side only: keys unique offer codes and preview-link signatures. Never sent out. */
  codeSecret: string
  allowedOrigins: string[]
  currency: string
  lapseDays: number
  timeZone: string
  /** Count browser-reported purchases for classification at once (true) or only once verified. */
  trustBrowserPurchases: boolean
  /** Serve html content exactly as saved, scripts included (true), or sanitized to the allowlist (false, the default). */
  allowScripts: boolean
  /** Rows the site may store through its public key per UTC day; null: the default quota. */
  dailyWriteQuota: number | null
}

export const DEFAULT_LAPSE_DAYS = 90

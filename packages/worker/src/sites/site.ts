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
  /**
   * The site's profile epoch: a signed profile token is trusted only while it carries this number
   * (sites/profile-epoch.ts bumps it whenever a visitor's entitlements may have gone down).
   */
  profileEpoch: number
  /**
   * The site's latest prediction fit, as decide's prediction conditions need it: read with the
   * site by public key (so cached with it, no read of its own), absent or null before a first fit.
   */
  predictionFit?: SitePredictionFit | null
}

/** A prediction fit's parameters (weeks) and its CLV percentile cuts (migration 0012). */
export type SitePredictionFit = {
  bgnbd: { r: number; alpha: number; a: number; b: number }
  gammaGamma: { p: number; q: number; gamma: number }
  /** 1st to 99th percentile of the customers' 52-week CLV at the fit. */
  clvCuts: number[]
}

export const DEFAULT_LAPSE_DAYS = 90

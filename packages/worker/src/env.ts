import type { SiteLedger } from './ledger/object'
import type { Site } from './sites/site'

/** Bindings declared in wrangler.jsonc. */
export type Env = {
  DB: D1Database
  /** Published rule sets, one immutable key per version: `ruleset:<siteId>:<version>`. */
  RULES: KVNamespace
  /** One SQLite Durable Object per site: its visitor history (reach it with `ledgerFor`, src/ledger/client.ts). */
  LEDGER: DurableObjectNamespace<SiteLedger>
  /** Rate limiters of the public routes (wrangler.jsonc `ratelimits`; src/limits/rates.ts). */
  RATE_LIMIT_VISITOR: RateLimit
  RATE_LIMIT_SITE: RateLimit
  RATE_LIMIT_WEBHOOK: RateLimit
  RATE_LIMIT_SIGN_IN: RateLimit
  /** "on" only in `pnpm bench`: exposes the reference routes the benchmark compares against. */
  BENCH_ROUTES?: string
}

export type AppEnv = {
  Bindings: Env
  /** `site`: the site the request acts on; `actor`: who, for the audit log (admin routes). */
  Variables: { site: Site; actor: string }
}

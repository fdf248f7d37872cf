import type { Site } from './sites/site'

/**
 * The worker's bindings: those declared in wrangler.jsonc, as `wrangler types` generates them into
 * worker-configuration.d.ts (`Cloudflare.Env`), plus the one variable only `pnpm bench` sets.
 */
export type Env = Cloudflare.Env & {
  /** "on" only in `pnpm bench` (a `--var`, never deployed): exposes the benchmark's reference routes. */
  BENCH_ROUTES?: string
  /**
   * Milliseconds decide waits before its ledger call, standing in for a far storage round trip:
   * set only by `pnpm bench`'s token scenarios (a `--var`), never deployed.
   */
  BENCH_STORAGE_DELAY_MS?: string
}

export type AppEnv = {
  Bindings: Env
  /** `site`: the site the request acts on; `actor`: who, for the audit log (admin routes). */
  Variables: { site: Site; actor: string }
}

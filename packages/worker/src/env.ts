import type { Site } from './sites/site'

/**
 * The worker's bindings: those declared in wrangler.jsonc, as `wrangler types` generates them into
 * worker-configuration.d.ts (`Cloudflare.Env`), plus the variable only `pnpm bench` sets and the operator's secret.
 */
export type Env = Cloudflare.Env & {
  /** "on" only in `pnpm bench` (a `--var`, never deployed): exposes the benchmark's reference routes. */
  BENCH_ROUTES?: string
  /**
   * The operator's token for /v1/ops/* (a secret: `wrangler secret put OPS_TOKEN`; local runs set
   * a fixed one). Unset: those routes do not exist (404).
   */
  OPS_TOKEN?: string
  /**
   * Milliseconds decide waits before its ledger call, standing in for a far storage round trip:
   * set only by `pnpm bench`'s token scenarios (a `--var`), never deployed.
   */
  BENCH_STORAGE_DELAY_MS?: string
  /** `pnpm bench:edge` only: the origin its pass-through proxy route (`/__bench/proxy`) fetches. */
  BENCH_ORIGIN?: string
  /**
   * "on" only in local development and the tests (`wrangler dev --var
   * MOMENTS_ALLOW_LOCAL_DESTINATIONS:on`, vitest.config.mts), never deployed: moment destinations
   * may then be http on 127.0.0.1 or localhost, where a local receiver runs.
   */
  MOMENTS_ALLOW_LOCAL_DESTINATIONS?: string
}

export type AppEnv = {
  Bindings: Env
  /** `site`: the site the request acts on; `actor`: who, for the audit log (admin routes). */
  Variables: { site: Site; actor: string }
}

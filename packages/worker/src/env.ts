import type { Site } from './sites/site'

/**
 * The worker's bindings: those declared in wrangler.jsonc, as `wrangler types` generates them into
 * worker-configuration.d.ts (`Cloudflare.Env`), plus the one variable only `pnpm bench` sets.
 */
export type Env = Cloudflare.Env & {
  /** "on" only in `pnpm bench` (a `--var`, never deployed): exposes the benchmark's reference routes. */
  BENCH_ROUTES?: string
  /** `pnpm bench:edge` only: the origin its pass-through proxy route (`/__bench/proxy`) fetches. */
  BENCH_ORIGIN?: string
}

export type AppEnv = {
  Bindings: Env
  /** `site`: the site the request acts on; `actor`: who, for the audit log (admin routes). */
  Variables: { site: Site; actor: string }
}

import type { Site } from './sites/site'

/**
 * The worker's bindings: those declared in wrangler.jsonc, as `wrangler types` generates them into
 * worker-configuration.d.ts (`Cloudflare.Env`), plus the one variable only `pnpm bench` sets.
 */
export type Env = Cloudflare.Env & {
  /** "on" only in `pnpm bench` (a `--var`, never deployed): exposes the benchmark's reference routes. */
  BENCH_ROUTES?: string
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

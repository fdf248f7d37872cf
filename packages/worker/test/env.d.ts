import type { D1Migration } from 'cloudflare:test'
import type { Env as WorkerEnv } from '../src/env'

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[]
      /** Empty until a migration test applies migrations to it (see vitest.config.mts). */
      MIGRATION_TEST_DB: D1Database
    }
  }
}

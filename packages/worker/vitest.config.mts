import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Tests run inside workerd against local D1 and KV, with the real migrations applied in setup.
const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname)

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      // MIGRATION_TEST_DB: an empty database of its own, where a migration test applies the
      // migrations before one, writes data in the old shape, and then applies that one.
      miniflare: { bindings: { TEST_MIGRATIONS: migrations }, d1Databases: ['MIGRATION_TEST_DB'] },
    }),
  ],
  test: {
    setupFiles: ['./test/apply-migrations.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})

import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Tests run inside workerd against local D1 and KV, with the real migrations applied in setup.
const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname)

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
    }),
  ],
  test: {
    setupFiles: ['./test/apply-migrations.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})

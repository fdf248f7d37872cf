import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
// @ts-expect-error plain ESM test helper without types
import { startEdgeOrigin } from './test/edge/origin-server.mjs'
import { startMomentsReceiver } from './test/moments-receiver.mjs'

// Tests run inside workerd against local D1 and KV, with the real migrations applied in setup.
const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname)
// A real shop origin (node:http) for the edge tests: workerd fetches it over HTTP as in production.
const edgeOrigin = await startEdgeOrigin()
// A real HTTP receiver for moment deliveries (test/moments-receiver.mjs), on 127.0.0.1.
const momentsReceiverUrl = await startMomentsReceiver()

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      // MIGRATION_TEST_DB: an empty database of its own, where a migration test applies the
      // migrations before one, writes data in the old shape, and then applies that one.
      // MOMENTS_ALLOW_LOCAL_DESTINATIONS: the local-development switch, so the receiver on
      // 127.0.0.1 is a valid destination (the SSRF abuse test runs without it).
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          EDGE_TEST_ORIGIN: edgeOrigin.url,
          MOMENTS_RECEIVER_URL: momentsReceiverUrl,
          MOMENTS_ALLOW_LOCAL_DESTINATIONS: 'on',
        },
        d1Databases: ['MIGRATION_TEST_DB'],
      },
    }),
  ],
  test: {
    setupFiles: ['./test/apply-migrations.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
})

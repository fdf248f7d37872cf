import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One worker + shop for the whole run; tests share them, so run files one at a time.
    fileParallelism: false,
  },
})

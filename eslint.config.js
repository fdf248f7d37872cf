// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * Lint for every package (`pnpm lint`, part of `pnpm test`): ESLint's and typescript-eslint's
 * recommended rules, kept modest, plus one type-aware rule where promises matter most. Formatting
 * is Prettier's job (`prettier --check` runs in the same step), so there are no style rules here.
 */
// Globals of the plain-JavaScript files, which TypeScript does not check.
const COMMON = ['console', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'fetch']
const NODE = [
  ...COMMON,
  'process',
  'Buffer',
  'performance',
  'AbortController',
  'TextEncoder',
  'TextDecoder',
]
const BROWSER = [...COMMON, 'window', 'document', 'localStorage', 'sessionStorage', 'location']

/** ESLint globals (read-only) from a list of names. */
function globals(/** @type {string[]} */ names) {
  return Object.fromEntries(names.map((name) => [name, /** @type {const} */ ('readonly')]))
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.wrangler/**',
      'packages/worker/src/script/bundle.generated.ts',
      'packages/worker/worker-configuration.d.ts',
      'docs/screenshots/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a value left out on purpose: `const { codeSecret: _secret, ...visible } = site`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `catch {}` is how a best-effort step says "failing here is fine" (storage, beacons).
      'no-empty': ['error', { allowEmptyCatch: true }],
      // `a && b()` and `x ? f() : g()` as statements are fine; a lone value is the mistake.
      '@typescript-eslint/no-unused-expressions': [
        'error',
        { allowShortCircuit: true, allowTernary: true },
      ],
      // Tests match CLI output column by column: literal spaces read better there than {2}.
      'no-regex-spaces': 'off',
      // Only the worker's and the contract's sources keep `any` out (see below); tests and the
      // size-golfed SDK reach into browser globals and test doubles with it.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The SDK is golfed for its 2 KB budget: `a != b && ((a = b), f())` is a statement there.
    files: ['packages/sdk/src/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['packages/worker/src/**/*.{ts,tsx}', 'packages/contract/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // Type-aware, so only where a forgotten `await` loses data: the worker (a promise left floating
    // there may be cut off when the response is sent) and its CLI. About 10 s on 2 cores.
    files: ['packages/worker/{src,test,cli}/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The model tests quote reference values (mpmath, the papers) digit for digit, beyond a
    // double's precision: the literal documents the source, the assertion's tolerance does the rest.
    files: ['packages/worker/src/predictions/model/*.test.ts'],
    rules: { 'no-loss-of-precision': 'off', '@typescript-eslint/no-loss-of-precision': 'off' },
  },
  {
    // Node scripts: build, dev, bench, the CLI's tests, the demo shop's server.
    files: ['**/*.mjs'],
    languageOptions: { globals: globals(NODE) },
  },
  {
    // The demo shop's page script.
    files: ['examples/shop/*.js'],
    languageOptions: { globals: globals(BROWSER) },
  },
)

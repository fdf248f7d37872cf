// Builds dist/s.js (minified IIFE for the script tag), dist/preview.js (the same with preview mode,
// loaded by s.js only on preview links), their readable dev twins, dist/index.js (ESM) and
// dist/*.d.ts, and prints raw, gzip and brotli sizes. `--check` fails when s.js is over its budget.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { minify } from 'terser'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
export const BUDGET = 2048

// Internal property names end in `_` and are shortened (the wire and API keys cannot be).
const common = {
  bundle: true,
  mangleProps: /_$/,
  target: 'es2020',
  logLevel: 'warning',
  legalComments: 'none',
}

/**
 * A script-tag bundle: `s.js` (IIFE, `PREVIEW` false: preview links import the chunk) or
 * `preview.js` (the ES module that chunk is, `PREVIEW` true), minified or readable.
 */
const scriptTag = (outfile, { isMinified, isPreview }) =>
  build({
    ...common,
    entryPoints: [join(root, isPreview ? 'src/preview.ts' : 'src/script.ts')],
    outfile: join(dist, outfile),
    format: isPreview ? 'esm' : 'iife',
    // Syntax and whitespace only: terser (below) names the identifiers, which compresses 5 bytes better.
    minifySyntax: isMinified,
    minifyWhitespace: isMinified,
    // No "use strict" prologue: 13 bytes, and the code does not rely on sloppy-mode differences.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    define: { DEV: String(!isMinified), PREVIEW: String(isPreview) },
  })

rmSync(dist, { recursive: true, force: true })
await Promise.all([
  scriptTag('s.js', { isMinified: true, isPreview: false }),
  scriptTag('preview.js', { isMinified: true, isPreview: true }),
  // Readable builds with dev warnings, used by the unit tests' first run.
  scriptTag('s.dev.js', { isMinified: false, isPreview: false }),
  scriptTag('preview.dev.js', { isMinified: false, isPreview: true }),
  build({
    ...common,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(dist, 'index.js'),
    format: 'esm',
    define: { DEV: 'true', PREVIEW: 'true' },
  }),
])
// esbuild bundles, mangles internal props and minifies; a terser pass on top finds about 3% more.
for (const name of ['s.js', 'preview.js']) {
  const path = join(dist, name)
  const terse = await minify(readFileSync(path, 'utf8'), {
    ecma: 2020,
    module: name == 'preview.js',
    compress: { passes: 3 },
    mangle: true,
  })
  writeFileSync(path, terse.code)
}
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  { stdio: 'inherit' },
)

export const sizes = (file) => {
  const buf = readFileSync(file)
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  }
}

let failed = false
for (const name of ['s.js', 'preview.js', 'index.js']) {
  const s = sizes(join(dist, name))
  const budget = name == 's.js' ? ` (budget ${BUDGET} brotli)` : ''
  console.log(
    `dist/${name.padEnd(10)} raw ${s.raw} B  gzip ${s.gzip} B  brotli ${s.brotli} B${budget}`,
  )
  if (name == 's.js' && s.brotli > BUDGET) {
    failed = true
    console.error(`size budget exceeded: dist/s.js is ${s.brotli} B brotli, budget ${BUDGET} B`)
  }
}
if (failed && process.argv.includes('--check')) process.exit(1)

// Builds the script-tag bundles (minified IIFEs: dist/s.js for every page, dist/edge.js for pages
// the Stammis edge personalized), the preview chunk they import on preview links (dist/preview.js,
// an ES module), readable dev twins of the three (*.dev.js), the ESM package (dist/index.js) and
// dist/*.d.ts, and prints raw, gzip and brotli sizes. `--check` fails when a script-tag bundle is
// over its brotli budget. The flags each bundle is built with are documented in src/flags.d.ts.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { minify } from 'terser'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
/** Brotli bytes (quality 11) a script-tag bundle may take: what every page of a shop loads. */
export const BUDGET = 2048

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

/** The bundles: name, entry, format, flags (see src/flags.d.ts) and whether the budget applies. */
const TAG_FLAGS = { TAG: true, PREVIEW: false }
const BUNDLES = [
  {
    name: 's',
    entry: 'script',
    format: 'iife',
    flags: { ...TAG_FLAGS, ANTI_FLICKER: true, EDGE: false },
    isBudgeted: true,
  },
  {
    name: 'edge',
    entry: 'script',
    format: 'iife',
    flags: { ...TAG_FLAGS, ANTI_FLICKER: false, EDGE: true },
    isBudgeted: true,
  },
  {
    name: 'preview',
    entry: 'preview',
    format: 'esm',
    flags: { TAG: true, PREVIEW: true, ANTI_FLICKER: true, EDGE: true },
    isBudgeted: false,
  },
]

// Internal property names end in `_` and are shortened (the wire and API keys cannot be).
const common = {
  bundle: true,
  mangleProps: /_$/,
  target: 'es2020',
  logLevel: 'warning',
  legalComments: 'none',
}
const defines = (flags) =>
  Object.fromEntries(Object.entries(flags).map(([flag, value]) => [flag, String(value)]))

const buildTag = ({ name, entry, format, flags }, isMinified) =>
  build({
    ...common,
    entryPoints: [join(root, `src/${entry}.ts`)],
    outfile: join(dist, isMinified ? `${name}.js` : `${name}.dev.js`),
    format,
    // Syntax and whitespace only: terser (below) names the identifiers, which compresses better.
    minifySyntax: isMinified,
    minifyWhitespace: isMinified,
    // No "use strict" prologue: 13 bytes, and the code does not rely on sloppy-mode differences.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    define: defines({ ...flags, DEV: !isMinified }),
  })

/**
 * esbuild bundles, mangles internal props and folds the flags; terser on top finds about 3% more.
 * Brotli at this size reacts to small changes in the output as much as to its length, so the
 * terser settings are the ones (compress passes 1 to 3, function inlining full or simple) whose
 * output compresses smallest, every build: a few to 15 bytes.
 */
const terse = async (path, isModule) => {
  const source = readFileSync(path, 'utf8')
  let best
  for (const [passes, inline] of [1, 2, 3].flatMap((passes) => [
    [passes, 3],
    [passes, 1],
  ])) {
    const { code } = await minify(source, {
      ecma: 2020,
      module: isModule,
      compress: { passes, inline },
      mangle: true,
    })
    writeFileSync(path, code)
    const { brotli } = sizes(path)
    if (!best || brotli < best.brotli) best = { code, brotli }
  }
  writeFileSync(path, best.code)
}

rmSync(dist, { recursive: true, force: true })
await Promise.all([
  ...BUNDLES.flatMap((bundle) => [buildTag(bundle, true), buildTag(bundle, false)]),
  build({
    ...common,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(dist, 'index.js'),
    format: 'esm',
    define: defines({
      DEV: true,
      TAG: false,
      PREVIEW: true,
      ANTI_FLICKER: true,
      EDGE: true,
    }),
  }),
])
for (const { name, format } of BUNDLES) await terse(join(dist, `${name}.js`), format == 'esm')
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  { stdio: 'inherit' },
)

let failed = false
for (const { name, isBudgeted } of [...BUNDLES, { name: 'index', isBudgeted: false }]) {
  const s = sizes(join(dist, `${name}.js`))
  const budget = isBudgeted ? ` (budget ${BUDGET} brotli)` : ''
  console.log(
    `dist/${(name + '.js').padEnd(10)} raw ${s.raw} B  gzip ${s.gzip} B  brotli ${s.brotli} B${budget}`,
  )
  if (isBudgeted && s.brotli > BUDGET) {
    failed = true
    console.error(
      `size budget exceeded: dist/${name}.js is ${s.brotli} B brotli, budget ${BUDGET} B`,
    )
  }
}
if (failed && process.argv.includes('--check')) process.exit(1)

// `pnpm bench:patterns`: how long one URL-pattern match takes, for the worst patterns against URLs
// up to the 2,048-character limit, with the old regex translation (`*` → `.*`, which backtracks)
// next to the matcher decide uses now (src/rules/pattern.ts: one scan per literal part).
// The old regex is timed on growing URLs until one match takes over OLD_BUDGET_MS; it never
// reaches 2,048 characters in any reasonable time. Figures are printed, not asserted.
import { compileUrlPattern, matchesPattern } from '../src/rules/pattern'

const OLD_BUDGET_MS = 2_000
const NEW_MIN_RUN_MS = 200

/** The translation decide used before: one `.*` per `*`, anchored. */
function oldRegex(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`)
}

/** A URL of exactly `length` characters: the shop's origin, then `filler` repeated. */
function urlOf(length: number, filler: string): string {
  const origin = 'https://shop.example/'
  return (origin + filler.repeat(Math.ceil(length / filler.length))).slice(0, length)
}

/** Microseconds per call of `match`, repeated for at least `minMs`. */
function timePerCall(match: () => boolean, minMs: number): number {
  let calls = 0
  const start = performance.now()
  let elapsed: number
  do {
    match()
    calls++
    elapsed = performance.now() - start
  } while (elapsed < minMs)
  return (elapsed * 1000) / calls
}

const cases = [
  {
    pattern: '*-*-*-*x',
    filler: '-',
    why: 'the issue: four stars, a URL of dashes, no x at the end',
  },
  { pattern: '*-*-*-*x*', filler: '-', why: 'x anywhere: the new matcher scans to the end' },
  { pattern: '*a*a*a*a*a*a*a*a*b', filler: 'a', why: 'many stars, every part found everywhere' },
  {
    pattern: `*${'a'.repeat(200)}b*`,
    filler: 'a',
    why: 'a long part that almost matches at every place',
  },
]

const format = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(2)} µs`)

console.log('bench:patterns: one match, old regex vs the matcher decide uses now\n')
for (const { pattern, filler, why } of cases) {
  console.log(`${pattern.length > 30 ? pattern.slice(0, 27) + '...' : pattern}  (${why})`)
  const regex = oldRegex(pattern)
  const compiled = compileUrlPattern(pattern)
  let isOldOverBudget = false
  for (const length of [64, 128, 256, 512, 1024, 2048]) {
    const url = urlOf(length, filler)
    const newUs = timePerCall(() => matchesPattern(compiled, url), NEW_MIN_RUN_MS)
    let oldText = '(not run)'
    if (!isOldOverBudget) {
      const start = performance.now()
      const oldResult = regex.test(url)
      const oldMs = performance.now() - start
      if (oldResult !== matchesPattern(compiled, url))
        throw new Error(`the matchers disagree on ${pattern} at ${length} characters`)
      isOldOverBudget = oldMs > OLD_BUDGET_MS
      oldText = oldMs < 50 ? format(timePerCall(() => regex.test(url), 50)) : format(oldMs * 1000)
    }
    console.log(
      `  ${String(length).padStart(5)} chars   old regex ${oldText.padEnd(10)}   new ${format(newUs)}`,
    )
  }
  if (isOldOverBudget)
    console.log(
      `  (the old regex is not run on longer URLs once one match takes over ${OLD_BUDGET_MS / 1000} s)`,
    )
  console.log('')
}

import { RulesetInputSchema } from '@stammis/contract'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { CommandError } from './args'

/**
 * A rules file's text: `{"rules": [...]}`, 2-space indented with a trailing newline, every rule
 * with the schema's defaults filled in and its keys in the schema's order. So the same rules
 * always give the same bytes, and a pulled file diffs cleanly in git.
 * @example canonicalRulesJson(live.rules) // '{\n  "rules": [\n    {\n      "id": "hero-returning", ...'
 */
export function canonicalRulesJson(rules: unknown[]): string {
  const parsed = RulesetInputSchema.safeParse({ rules })
  // A worker newer than this CLI may know fields the local schema does not: keep its rules as
  // they came rather than fail the pull.
  if (!parsed.success)
    console.error(
      'Note: this CLI does not know every field the worker sent; the file keeps them as they came.',
    )
  return `${JSON.stringify(parsed.success ? parsed.data : { rules }, null, 2)}\n`
}

/**
 * Reads and parses a rules file, the path taken from where the user ran the command. A missing
 * file or invalid JSON is a `CommandError` (exit 2) that says where the JSON breaks.
 * @example const body = await readRulesFile('rules.json')
 */
export async function readRulesFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(resolve(process.env.INIT_CWD ?? process.cwd(), path), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : (error as Error).message
    throw new CommandError(`cannot read ${path}: ${why}`, 2)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    // `pnpm stammis rules pull > rules.json` without -s puts pnpm's "> stammis@ ..." banner first.
    const hint = /^\s*> /.test(text)
      ? '\nIt starts with pnpm\'s script banner: pull with "pnpm -s stammis rules pull > FILE" or --out FILE.'
      : ''
    throw new CommandError(
      `${path} is not valid JSON: ${describeJsonError(text, (error as Error).message)}${hint}`,
      2,
    )
  }
}

/** V8 says "... in JSON at position 42"; people want a line and column. */
function describeJsonError(text: string, message: string): string {
  const match = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message)
  if (!match) return message
  const position = Number(match[2])
  const before = text.slice(0, position).split('\n')
  return `${match[1]} at line ${before.length}, column ${before.at(-1)!.length + 1}`
}

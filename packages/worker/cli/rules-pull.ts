import type { Ruleset } from '@stammis/contract'
import { rename, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { adminRequest, connectionOptions, connectionUsage, resolveConnection } from './admin-api'
import { parseOptions } from './args'
import type { Command } from './command'
import { canonicalRulesJson } from './rules-file'
import { writeWholeStdout } from './stdout-file'

const usage = `Usage: stammis rules pull [--out FILE] [--endpoint URL] [--key sk_...] [--user NAME]

Prints the site's live rules as a rules file: {"rules": [...]}, 2-space JSON with every default
filled in, the same bytes for the same rules. Only the file goes to stdout; messages go to stderr.
Edit it, keep it in git, and publish it with "stammis rules push rules.json".

  --out FILE         write the file there instead of to stdout (where "> rules.json" works too:
                     pnpm's own script banner is cleared from the file)

${connectionUsage}

Exit status: 0 printed, 1 the worker could not be reached or refused the key, 2 bad input.`

/**
 * `stammis rules pull`: the live rule set on stdout, ready to redirect into a file.
 * @example await rulesPull.run(['--out', 'rules.json']) // with STAMMIS_SECRET_KEY set
 */
export const rulesPull: Command = {
  name: 'rules pull',
  summary: 'print the live rules as a rules file (JSON on stdout)',
  usage,
  async run(argv) {
    const { values } = parseOptions(argv, { ...connectionOptions, out: { type: 'string' } })
    const connection = resolveConnection(values, process.env)
    const live = await adminRequest<Ruleset>(connection, 'GET', '/v1/admin/rules')
    const text = canonicalRulesJson(live.rules)
    if (values.out === undefined) writeWholeStdout(text)
    else await writeAtomically(values.out, text)
    console.error(
      live.version === 0
        ? 'The site has no published rules yet (version 0).'
        : `Pulled version ${live.version}: ${live.rules.length} rules, published ${live.publishedAt} by ${live.publishedBy ?? 'unknown'}.`,
    )
  },
}

/** Writes beside the target and renames, so a failed pull never leaves half a rules file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const target = resolve(process.env.INIT_CWD ?? process.cwd(), path)
  const temporary = `${target}.${process.pid}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, target)
  console.error(`Wrote ${path}.`)
}

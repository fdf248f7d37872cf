import type { PublishResult, RulesCheckResult } from '@stammis/contract'
import {
  AdminApiError,
  adminRequest,
  connectionOptions,
  connectionUsage,
  resolveConnection,
  type Connection,
} from './admin-api'
import { CommandError, parseOptions, UsageError } from './args'
import type { Command } from './command'
import { confirm } from './confirm'
import { readRulesFile } from './rules-file'
import { formatDiff, formatWarnings, isEmptyDiff } from './rules-summary'

const NO_TERMINAL =
  'not published: stdin is not a terminal, so there is no one to confirm; pass --yes to publish'

const usage = `Usage: stammis rules push FILE [--yes] [--note TEXT] [--dry-run]
                           [--endpoint URL] [--key sk_...] [--user NAME]

Validates a rules file on the worker, shows what publishing it would change (rules added,
removed and changed, with the fields) and the warnings, then asks before publishing it as a
new version. Nothing is published if any rule is invalid.

  FILE               a rules file, {"rules": [...]}, e.g. from "stammis rules pull > rules.json"
  --yes              publish without asking (needed when stdin is not a terminal, e.g. in CI)
  --note TEXT        why, shown with the version in the admin's version log
  --dry-run          validate and show the changes, publish nothing
${connectionUsage}

Exit status: 0 published, nothing to publish or dry run; 1 not confirmed, or the worker could
not be reached or refused the key; 2 bad input or an invalid rules file (nothing published).`

/**
 * `stammis rules push FILE`: validate, show the diff, confirm, publish.
 * @example await rulesPush.run(['rules.json', '--yes', '--note', 'Winter sale'])
 */
export const rulesPush: Command = {
  name: 'rules push',
  summary: 'validate a rules file, show the changes and publish it',
  usage,
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      {
        ...connectionOptions,
        yes: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        note: { type: 'string' },
      },
      true,
    )
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'give the rules file to push, e.g. rules.json'
          : 'give exactly one rules file',
      )
    const [file] = positionals as [string]
    const connection = resolveConnection(values, process.env)
    const body = await readRulesFile(file)

    const check = await checkRules(connection, body, file)
    console.log(formatDiff(check.diff, check.liveVersion))
    console.log(formatWarnings(check.warnings))
    if (values['dry-run']) {
      console.log('Dry run: nothing was published.')
      return
    }
    if (isEmptyDiff(check.diff)) {
      console.log(`Nothing to publish: ${file} matches live version ${check.liveVersion}.`)
      return
    }
    if (
      !values.yes &&
      !(await confirm(
        `Publish this as version ${check.liveVersion + 1} to ${connection.endpoint}? [y/N] `,
        NO_TERMINAL,
      ))
    ) {
      throw new CommandError('not published', 1)
    }
    // expectVersion: if someone published since the check, the worker refuses (409) instead of
    // silently replacing their change with this file.
    const query = new URLSearchParams({
      expectVersion: String(check.liveVersion),
      ...(values.note === undefined ? {} : { note: values.note }),
    })
    const note = `?${query}`
    const published = await adminRequest<PublishResult>(
      connection,
      'PUT',
      `/v1/admin/rules${note}`,
      body,
    )
    console.log(`Published version ${published.version} at ${published.publishedAt}.`)
  },
}

/** The worker's dry run; an invalid file becomes exit 2 with one line per problem. */
async function checkRules(
  connection: Connection,
  body: unknown,
  file: string,
): Promise<RulesCheckResult> {
  try {
    return await adminRequest<RulesCheckResult>(connection, 'POST', '/v1/admin/rules/check', body)
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error
    if (error.code === 'invalid_request' && error.issues.length > 0) {
      const count = `${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}`
      const lines = error.issues.map((issue) => `  ${issue.path}: ${issue.message}`)
      throw new CommandError(
        [`${file} has ${count}; nothing was published:`, ...lines].join('\n'),
        2,
      )
    }
    if (error.code === 'payload_too_large')
      throw new CommandError(`${file} is too large for the worker: ${error.message}`, 2)
    throw error
  }
}

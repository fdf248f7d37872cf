import { parseArgs, type ParseArgsConfig } from 'node:util'

/**
 * Bad input on the command line: the CLI prints the message (and the command's usage) and exits
 * with status 2, having changed nothing.
 * @example throw new UsageError('--currency must be 3 uppercase letters, like USD')
 */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * A failure the command has already explained, with the exit status it calls for, e.g. 2 for a
 * rules file the worker refused. The CLI prints the message alone (no usage text).
 * @example throw new CommandError('rules.json has 1 problem; nothing was published', 2)
 */
export class CommandError extends Error {
  override name = 'CommandError'
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

/**
 * `parseArgs` in strict mode, with its errors (unknown option, missing value, stray argument)
 * turned into a `UsageError`. Positional arguments are refused unless `allowPositionals` is set.
 * @example const { values } = parseOptions(argv, { name: { type: 'string' } })
 * @example const { values, positionals } = parseOptions(argv, { yes: { type: 'boolean' } }, true)
 */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/**
 * The value of a string option that must be given.
 * @example const name = required(values.name, '--name')
 */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`${flag} is required`)
  return value
}

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
 * `parseArgs` in strict mode, with its errors (unknown option, missing value, stray argument)
 * turned into a `UsageError`.
 * @example const { values } = parseOptions(argv, { name: { type: 'string' } })
 */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false })
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

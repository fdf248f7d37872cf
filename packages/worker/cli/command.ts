/**
 * One CLI command, e.g. `site create`. New commands (rules pull/push, import) are a file each
 * under cli/ that exports one of these, listed in `commands` in stammis.ts.
 * @example export const siteCreate: Command = { name: 'site create', summary: '...', usage: '...', run }
 */
export type Command = {
  /** The words that select it, e.g. "site create". */
  name: string
  /** One line for `stammis help`. */
  summary: string
  /** Full usage text for `stammis help <command>` and for bad input. */
  usage: string
  /** Runs with the arguments after the command's words; throws `UsageError` on bad input. */
  run: (argv: string[]) => Promise<void>
}

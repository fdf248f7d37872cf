// `pnpm stammis <command>`: operator commands for a Stammis deployment. Each command is a file
// under cli/ exporting a `Command`; add it to `commands` below and it appears in the help.
import { CommandError, UsageError } from './args'
import type { Command } from './command'
import { edgeCommand } from './edge'
import { importCommand } from './import'
import { rulesPull } from './rules-pull'
import { rulesPush } from './rules-push'
import { siteCreate } from './site-create'
import { siteIdentitySecret } from './site-identity-secret'
import { siteQuota } from './site-quota'
import { siteRotate } from './site-rotate'
import { storageMigrate } from './storage-migrate'
import { WranglerError } from './wrangler'

const commands: Command[] = [
  siteCreate,
  siteRotate,
  siteQuota,
  siteIdentitySecret,
  rulesPull,
  rulesPush,
  importCommand,
  storageMigrate,
  edgeCommand,
]

function mainUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return `Usage: stammis <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}
  ${'help'.padEnd(width)}  show this text; "stammis help <command>" shows a command's options

Run from the repository root as "pnpm stammis <command>". "site create" writes to the D1
database with wrangler (--local: the state wrangler dev uses; --remote: the deployed one);
"site identity-secret", "rules" and "import" call a running worker's admin API with the site's
secret key; "storage migrate" lists sites with wrangler and has the worker copy their history
(operator routes, OPS_TOKEN).`
}

/** Help for one command, or for every command under a group's word ("stammis help rules"). */
function helpFor(words: string[]): string | null {
  const exact = findCommand(words)
  if (exact && exact.rest.length === 0) return exact.command.usage
  const group = commands.filter(
    (command) => words.length > 0 && words.every((word, i) => command.name.split(' ')[i] === word),
  )
  return group.length > 0 ? group.map((command) => command.usage).join('\n\n') : null
}

/** The command whose words start `argv`, longest name first, and the arguments after them. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  const sorted = [...commands].sort((a, b) => b.name.length - a.name.length)
  for (const command of sorted) {
    const words = command.name.split(' ')
    if (words.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(words.length) }
  }
  return null
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    console.log((argv[0] === 'help' && helpFor(argv.slice(1))) || mainUsage())
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
    const group = helpFor(argv)
    if (group) {
      console.error(`stammis: "${argv.join(' ')}" needs one more word:\n\n${group}`)
      return 2
    }
    console.error(`stammis: unknown command "${argv.join(' ')}"\n\n${mainUsage()}`)
    return 2
  }
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage)
    return 0
  }
  try {
    await command.run(rest)
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      const synopsis = command.usage.split('\n\n')[0]
      console.error(
        `stammis ${command.name}: ${error.message}\n\n${synopsis}\n\nRun "stammis help ${command.name}" for all options.`,
      )
      return 2
    }
    if (error instanceof CommandError) {
      console.error(`stammis ${command.name}: ${error.message}`)
      return error.exitCode
    }
    console.error(
      `stammis ${command.name}: ${error instanceof Error ? error.message : String(error)}`,
    )
    if (error instanceof WranglerError && process.env.STAMMIS_DEBUG) console.error(error.output)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))

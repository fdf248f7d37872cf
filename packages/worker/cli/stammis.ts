// `pnpm stammis <command>`: operator commands for a Stammis deployment. Each command is a file
// under cli/ exporting a `Command`; add it to `commands` below and it appears in the help.
import { UsageError } from './args'
import type { Command } from './command'
import { siteCreate } from './site-create'
import { WranglerError } from './wrangler'

const commands: Command[] = [siteCreate]

function mainUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return `Usage: stammis <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}
  ${'help'.padEnd(width)}  show this text; "stammis help <command>" shows a command's options

Run from the repository root as "pnpm stammis <command>". Local commands write to the state
wrangler dev uses; --remote ones to the deployed database in packages/worker/wrangler.jsonc.`
}

/** The command whose words start `argv`, longest name first, and the arguments after them. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  const sorted = [...commands].sort((a, b) => b.name.length - a.name.length)
  for (const command of sorted) {
    const words = command.name.split(' ')
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) }
  }
  return null
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const topic = argv[0] === 'help' ? findCommand(argv.slice(1)) : null
    console.log(topic ? topic.command.usage : mainUsage())
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
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
      console.error(`stammis ${command.name}: ${error.message}\n\n${synopsis}\n\nRun "stammis help ${command.name}" for all options.`)
      return 2
    }
    console.error(`stammis ${command.name}: ${error instanceof Error ? error.message : String(error)}`)
    if (error instanceof WranglerError && process.env.STAMMIS_DEBUG) console.error(error.output)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))

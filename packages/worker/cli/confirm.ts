import { createInterface } from 'node:readline/promises'
import { CommandError } from './args'

/**
 * Asks a yes/no question on the terminal (default no). Where there is no terminal to ask on (CI,
 * a pipe), it refuses outright with `refusal` (exit 1), so a script never hangs or goes ahead.
 * @example if (!(await confirm('Publish? [y/N] ', 'not published: pass --yes'))) return
 */
export async function confirm(question: string, refusal: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CommandError(refusal, 1)
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim())
  } finally {
    prompt.close()
  }
}

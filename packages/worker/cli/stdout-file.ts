import { fstatSync, ftruncateSync, readFileSync, writeSync } from 'node:fs'

const O_APPEND = 0o2000

/**
 * Writes a whole file's text to stdout. When stdout was redirected to a file with `>` (not `>>`),
 * the file is first emptied: `pnpm stammis rules pull > rules.json` would otherwise start with
 * pnpm's own "> stammis@ ..." script banner, which pnpm prints to the same file before this
 * program starts and has no setting to turn off. Whether the redirect appends is read from Linux's
 * /proc; where that cannot be read, nothing is truncated.
 * @example writeWholeStdout('{"rules": []}\n')
 */
export function writeWholeStdout(text: string): void {
  if (isTruncatingFileRedirect()) {
    ftruncateSync(1, 0)
    writeSync(1, text, 0)
    return
  }
  process.stdout.write(text)
}

function isTruncatingFileRedirect(): boolean {
  try {
    if (!fstatSync(1).isFile()) return false
    const flags = /^flags:\s+(\d+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))
    return flags !== null && (parseInt(flags[1]!, 8) & O_APPEND) === 0
  } catch {
    return false
  }
}

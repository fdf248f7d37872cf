// Headless Chromium comes from Debian, not from Playwright (its browser downloads cannot work
// here). Installs it when missing and we are root; otherwise says exactly how, and fails.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
if (!existsSync(path)) {
  if (process.getuid?.() === 0) {
    console.log(`${path} is missing: installing Debian's chromium package`)
    execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit' })
  } else {
    console.error(
      `${path} is missing. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\n` +
        'or point CHROMIUM_PATH at a Chromium binary.',
    )
    process.exit(1)
  }
}

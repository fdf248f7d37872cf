/// <reference types="node" />
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './errors'

// The README's error table is what API users read; a code added to the registry must be there too.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

describe('error registry', () => {
  it.each(Object.entries(ERROR_CODES))(
    'documents %s in the README with its status',
    (code, { status }) => {
      // Prettier pads table cells, so any run of spaces may stand around a cell.
      expect(readme).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`))
    },
  )
})

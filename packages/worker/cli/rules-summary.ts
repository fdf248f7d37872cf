import type { RuleWarning, RulesetDiff } from '@stammis/contract'

/**
 * What publishing would change, one line per rule, like `git status --short`:
 * `+` added, `-` removed, `~` changed (with the fields that differ).
 * @example formatDiff({ added: ['winter'], removed: [], changed: [] }, 3)
 * // 'Changes against live version 3:\n  + winter  (new)\n1 added, 0 removed, 0 changed'
 */
export function formatDiff(diff: RulesetDiff, liveVersion: number): string {
  const lines = [
    ...diff.added.map((id) => ['+', id, '(new)']),
    ...diff.removed.map((id) => ['-', id, '(removed)']),
    ...diff.changed.map(({ id, fields }) => ['~', id, fields.join(', ')]),
  ]
  const width = Math.max(0, ...lines.map(([, id]) => id!.length))
  const against =
    liveVersion === 0 ? 'the site, which has no published rules yet' : `live version ${liveVersion}`
  return [
    `Changes against ${against}:`,
    ...lines.map(([mark, id, detail]) => `  ${mark} ${id!.padEnd(width)}  ${detail}`),
    `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
  ].join('\n')
}

/**
 * The worker's warnings (ties, rules that never match, unfair offers). They never block a publish.
 * @example formatWarnings([{ code: 'priority_tie', slot: 'hero', ruleIds: ['a', 'b'], message: '...' }])
 * // 'Warnings (1):\n  ! [hero] priority_tie: ...'
 */
export function formatWarnings(warnings: RuleWarning[]): string {
  if (warnings.length === 0) return 'No warnings.'
  return [
    `Warnings (${warnings.length}):`,
    ...warnings.map((w) => `  ! [${w.slot}] ${w.code}: ${w.message}`),
  ].join('\n')
}

/** True when publishing would change nothing. */
export function isEmptyDiff(diff: RulesetDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0
}

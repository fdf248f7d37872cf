import type { Rule, RulesetDiff } from '@stammis/contract'

/**
 * What changed between two rule sets, by rule id: added, removed, and changed rules with the
 * top-level fields that differ (`when`, `content`, `priority`, ...).
 * @example diffRules(previous.rules, next.rules) // { added: ['new'], removed: [], changed: [] }
 */
export function diffRules(before: readonly Rule[], after: readonly Rule[]): RulesetDiff {
  const beforeById = new Map(before.map((rule) => [rule.id, rule]))
  const afterIds = new Set(after.map((rule) => rule.id))
  const diff: RulesetDiff = { added: [], removed: [], changed: [] }
  for (const rule of after) {
    const previous = beforeById.get(rule.id)
    if (!previous) {
      diff.added.push(rule.id)
      continue
    }
    const keys = new Set([...Object.keys(previous), ...Object.keys(rule)]) as Set<keyof Rule>
    const fields = [...keys]
      .filter((key) => stableJson(previous[key]) !== stableJson(rule[key]))
      .sort()
    if (fields.length > 0) diff.changed.push({ id: rule.id, fields })
  }
  for (const rule of before) if (!afterIds.has(rule.id)) diff.removed.push(rule.id)
  return diff
}

export function isEmptyDiff(diff: RulesetDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0
}

/** JSON with sorted keys, so key order never reads as a change. */
function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(
            Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
          )
        : inner,
    ) ?? 'undefined'
  )
}

import type { Rule, RuleWarning } from '@stammis/contract'
import { sanitizeHtml } from './sanitize-html'

/** Whether a site serves html content as saved (`allowScripts`) or sanitized (the default). */
export type HtmlPolicy = { allowScripts: boolean }

/**
 * The rules with every html content sanitized to the allowlist, unless the site allows scripts,
 * and the ids of the rules whose html changed. Runs where rules are saved (workspace, publish,
 * rollback) and again where they are served (once per compiled rule-set version), so rules saved
 * before sanitizing existed, or while scripts were allowed, are never served unsanitized.
 * @example const { rules, changedRuleIds } = sanitizeRules(input, { allowScripts: site.allowScripts })
 */
export function sanitizeRules<R extends Rule>(
  rules: readonly R[],
  policy: HtmlPolicy,
): { rules: R[]; changedRuleIds: string[] } {
  if (policy.allowScripts) return { rules: [...rules], changedRuleIds: [] }
  const changedRuleIds: string[] = []
  const sanitized = rules.map((rule) => {
    if (rule.content?.type !== 'html') return rule
    const value = sanitizeHtml(rule.content.value)
    if (value === rule.content.value) return rule
    changedRuleIds.push(rule.id)
    return { ...rule, content: { type: 'html' as const, value } }
  })
  return { rules: sanitized, changedRuleIds }
}

/**
 * One `html_sanitized` warning per rule whose html the sanitizer changed: what was saved or
 * published is not what was sent, and the marketer should know.
 * @example htmlWarnings(rules, changedRuleIds)
 */
export function htmlWarnings(
  rules: readonly Rule[],
  changedRuleIds: readonly string[],
): RuleWarning[] {
  return rules
    .filter((rule) => changedRuleIds.includes(rule.id))
    .map((rule) => ({
      code: 'html_sanitized' as const,
      slot: rule.slot,
      ruleIds: [rule.id],
      message: `The HTML of "${rule.id}" was cleaned: scripts, event handlers (on...), javascript: links, forms, frames and other active content are removed (see the allowed tags in docs/security.md).`,
    }))
}

import type { Rule, Workspace } from '@stammis/contract'
import type { Env } from '../env'
import { analyzeRules } from './analyze'
import { diffRules, isEmptyDiff } from './diff'
import { findLatestRuleset } from './queries'
import { displayStatus } from './status'
import { htmlWarnings, sanitizeRules, type HtmlPolicy } from './safe-content'
import { publishRuleset } from './store'
import { findWorkspace, saveWorkspaceRow } from './workspace-queries'

/** The rules as the editor shows them (`WorkspaceSchema` in the contract). */
export type { Workspace }

/**
 * The working copy of a site's rules: the saved draft, or the live set when nothing is being edited.
 * @example const workspace = await getWorkspace(env, site.id, Date.now())
 */
export async function getWorkspace(env: Env, siteId: string, now: number): Promise<Workspace> {
  const [live, draft] = await Promise.all([
    findLatestRuleset(env.DB, siteId),
    findWorkspace(env.DB, siteId),
  ])
  const liveRules = live?.rules ?? []
  const rules = draft?.rules ?? liveRules
  const diff = diffRules(liveRules, rules)
  return {
    rules: rules.map((rule) => ({ ...rule, displayStatus: displayStatus(rule, now) })),
    liveVersion: live?.version ?? 0,
    baseVersion: draft?.baseVersion ?? live?.version ?? 0,
    updatedAt: draft ? new Date(draft.updatedAt).toISOString() : (live?.publishedAt ?? null),
    updatedBy: draft?.updatedBy ?? live?.publishedBy ?? null,
    diff,
    hasChanges: !isEmptyDiff(diff),
    warnings: analyzeRules(rules, now),
  }
}

/**
 * Saves validated rules as the working copy (nothing goes live), html content sanitized unless the
 * site allows scripts. The answer's warnings name the rules whose html was cleaned (this once:
 * what is stored is already clean).
 * @example await saveWorkspace(env, site.id, rules, 'Maria', Date.now(), { allowScripts: site.allowScripts })
 */
export async function saveWorkspace(
  env: Env,
  siteId: string,
  input: Rule[],
  actor: string,
  now: number,
  policy: HtmlPolicy,
): Promise<Workspace> {
  const { rules, changedRuleIds } = sanitizeRules(input, policy)
  const live = await findLatestRuleset(env.DB, siteId)
  await saveWorkspaceRow(env.DB, siteId, {
    rules,
    baseVersion: live?.version ?? 0,
    updatedAt: now,
    updatedBy: actor,
  })
  const workspace = await getWorkspace(env, siteId, now)
  return { ...workspace, warnings: [...htmlWarnings(rules, changedRuleIds), ...workspace.warnings] }
}

/**
 * Publishes the working copy as the next version.
 * @example const { version } = await publishWorkspace(env, site.id, { actor: 'Maria', note: 'Winter sale', allowScripts: false }, Date.now())
 */
export async function publishWorkspace(
  env: Env,
  siteId: string,
  options: { actor: string; note?: string | undefined; allowScripts: boolean },
  now: number,
) {
  const workspace = await getWorkspace(env, siteId, now)
  const rules = workspace.rules.map(({ displayStatus: _status, ...rule }) => rule)
  return publishRuleset(env, siteId, rules, now, options)
}

import type { Ruleset, VersionSummary } from '@stammis/contract'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { diffRules } from './diff'
import { findRuleset, listRulesets } from './queries'
import { publishRuleset, type PublishedRuleset } from './store'

/** How many versions the audit log page shows; older ones stay stored and reachable by number. */
export const VERSIONS_PAGE = 100

/**
 * The audit log: every published version, newest first, with who, when, and what changed.
 * @example const log = await listVersions(env, site.id)
 */
export async function listVersions(env: Env, siteId: string): Promise<VersionSummary[]> {
  // One more than shown, so the oldest shown version can be diffed against its predecessor.
  const rulesets = await listRulesets(env.DB, siteId, VERSIONS_PAGE + 1)
  return rulesets
    .slice(0, VERSIONS_PAGE)
    .map((ruleset, index) => summarize(ruleset, rulesets[index + 1] ?? null))
}

function summarize(ruleset: Ruleset, previous: Ruleset | null): VersionSummary {
  return {
    version: ruleset.version,
    publishedAt: ruleset.publishedAt ?? '',
    publishedBy: ruleset.publishedBy ?? 'api key',
    note: ruleset.note ?? null,
    ruleCount: ruleset.rules.length,
    diff: diffRules(previous?.rules ?? [], ruleset.rules),
  }
}

export async function getVersion(env: Env, siteId: string, version: number): Promise<Ruleset> {
  const ruleset = await findRuleset(env.DB, siteId, version)
  if (!ruleset)
    throw new ApiError('version_not_found', `This site has no published version ${version}.`)
  return ruleset
}

/**
 * Rolls back by publishing a copy of an earlier version as the newest one, so the log keeps every
 * step (including the rollback itself) and a rollback can be rolled back. The copy's html is
 * sanitized like any publish: an old version saved while scripts were allowed comes back clean.
 * @example await rollbackTo(env, site.id, 3, { actor: 'Maria', allowScripts: false }, Date.now())
 */
export async function rollbackTo(
  env: Env,
  siteId: string,
  version: number,
  options: { actor: string; note?: string | undefined; allowScripts: boolean },
  now: number,
): Promise<PublishedRuleset> {
  const target = await getVersion(env, siteId, version)
  return publishRuleset(env, siteId, target.rules, now, {
    actor: options.actor,
    note: options.note ?? `Rollback to version ${version}`,
    allowScripts: options.allowScripts,
  })
}

import type { Rule, Ruleset } from '@stammis/contract'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { ledgerFor } from '../ledger/client'
import { forgetLedgerRead } from '../ledger/recent-reads'
import { compileRule, type CompiledRule } from './match'
import { findLatestVersion, findRuleset, insertRuleset } from './queries'
import { sanitizeRules, type HtmlPolicy } from './safe-content'
import { clearWorkspace } from './workspace-queries'

/** A published rule set ready for decide: live rules only, grouped by slot, highest priority first. */
export type CompiledRuleset = {
  siteId: string
  version: number
  bySlot: Map<string, CompiledRule[]>
  /** Some live rule gives each visitor a code of their own (decide then needs exposure times). */
  hasUniqueCodes: boolean
  /** Some live rule has a prediction condition (decide then computes the person's facts). */
  hasPredictionConditions: boolean
  /** Compiled for a site that allows scripts: its html content is served as saved. */
  allowScripts: boolean
}

/**
 * Live rules grouped by slot, highest priority first, with html content sanitized unless the
 * site allows scripts: done here once per version, as compiled sets are cached by version.
 * @example compileRuleset(site.id, 3, rules, { allowScripts: false })
 */
export function compileRuleset(
  siteId: string,
  version: number,
  rules: readonly Rule[],
  policy: HtmlPolicy,
): CompiledRuleset {
  const bySlot = new Map<string, CompiledRule[]>()
  for (const rule of sanitizeRules(rules, policy).rules) {
    if (rule.status !== 'live') continue
    const slotRules = bySlot.get(rule.slot) ?? []
    slotRules.push(compileRule(rule))
    bySlot.set(rule.slot, slotRules)
  }
  // Stable sort: equal priorities keep the order the marketer listed them in.
  for (const slotRules of bySlot.values()) slotRules.sort((a, b) => b.priority - a.priority)
  const hasUniqueCodes = [...bySlot.values()].some((slotRules) =>
    slotRules.some((rule) => rule.offer?.uniqueCodes),
  )
  const hasPredictionConditions = [...bySlot.values()].some((slotRules) =>
    slotRules.some((rule) => rule.hasPredictionConditions),
  )
  return {
    siteId,
    version,
    bySlot,
    hasUniqueCodes,
    hasPredictionConditions,
    allowScripts: policy.allowScripts,
  }
}

export function rulesetKey(siteId: string, version: number): string {
  return `ruleset:${siteId}:${version}`
}

/**
 * Compiled rule sets by site, kept for the life of the isolate. This is deliberate module state:
 * each entry is keyed by an immutable version, and decide reads the live version number from the
 * site's ledger (told by the publish) in the call that loads the visitor, so a publish is seen on
 * the very next request and a stale rule set is never served.
 */
const cache = new Map<string, Promise<CompiledRuleset>>()

/**
 * The compiled rule set of a site at a version: from memory, else from KV (one immutable key per
 * version), else from D1 (the source of truth, should KV not have it yet).
 * @example const ruleset = await loadRuleset(env, site.id, context.rulesVersion, { allowScripts: site.allowScripts })
 */
export function loadRuleset(
  env: Env,
  siteId: string,
  version: number,
  policy: HtmlPolicy,
): Promise<CompiledRuleset> {
  const cached = cache.get(siteId)
  if (cached) {
    // A version only ever grows; a cached one that is not the asked one (or was compiled under the
    // other html setting) is replaced.
    return cached.then((ruleset) =>
      ruleset.version === version && ruleset.allowScripts === policy.allowScripts
        ? ruleset
        : refresh(env, siteId, version, policy),
    )
  }
  return refresh(env, siteId, version, policy)
}

function refresh(
  env: Env,
  siteId: string,
  version: number,
  policy: HtmlPolicy,
): Promise<CompiledRuleset> {
  const loading = fetchRules(env, siteId, version).then((rules) =>
    compileRuleset(siteId, version, rules, policy),
  )
  cache.set(siteId, loading)
  loading.catch(() => {
    if (cache.get(siteId) === loading) cache.delete(siteId)
  })
  return loading
}

/**
 * The rules of a version decide was told is live by the ledger: from KV, or from D1 itself when KV does not
 * have it (a publish writes D1 first, and KV is eventually consistent across locations), so a
 * version KV lacks is still served, and only as D1 has it.
 */
async function fetchRules(env: Env, siteId: string, version: number): Promise<Rule[]> {
  if (version === 0) return []
  const fromKv = await env.RULES.get<Ruleset>(rulesetKey(siteId, version), 'json')
  if (fromKv?.version === version) return fromKv.rules
  const fromDb = await findRuleset(env.DB, siteId, version)
  return fromDb?.rules ?? []
}

export type PublishOptions = {
  actor: string
  note?: string | undefined
  /** Publish only if this version is still the live one (optimistic concurrency). */
  expectVersion?: number | undefined
  /** The site allows scripts in html content: store it as given. Absent or false: sanitize it. */
  allowScripts?: boolean | undefined
}

/** A published version, and the rules whose html was sanitized on the way in. */
export type PublishedRuleset = Ruleset & { publishedAt: string; sanitizedRuleIds: string[] }

/**
 * Publishes a validated set as the next version: first the D1 row, which makes it live (D1 is the
 * source of truth, and its primary key decides a race), then KV, a cache of that row. Two
 * publishes racing for one version number: the second gets `publish_conflict` before it has
 * written anything, so nothing of it can be served. Then the site's ledger is told the new live
 * version (decide reads it there). Until the KV write lands (or if it fails), decide reads the
 * version's rules from D1. Html content is sanitized unless `allowScripts`. The
 * workspace (the editor's working copy) is reset to what was published.
 * @example const { version } = await publishRuleset(env, site.id, rules, Date.now(), { actor: 'Maria' })
 */
export async function publishRuleset(
  env: Env,
  siteId: string,
  input: Rule[],
  now: number,
  options: PublishOptions = { actor: 'api key' },
): Promise<PublishedRuleset> {
  const { rules, changedRuleIds } = sanitizeRules(input, {
    allowScripts: options.allowScripts ?? false,
  })
  const live = await findLatestVersion(env.DB, siteId)
  if (options.expectVersion !== undefined && options.expectVersion !== live) {
    throw new ApiError(
      'publish_conflict',
      `The live rules changed: version ${live} is live, not ${options.expectVersion}. Check again, then publish.`,
    )
  }
  const version = live + 1
  const ruleset = {
    version,
    publishedAt: new Date(now).toISOString(),
    publishedBy: options.actor,
    note: options.note ?? null,
    rules,
  }
  const inserted = await insertRuleset(env.DB, siteId, ruleset, now)
  if (!inserted)
    throw new ApiError(
      'publish_conflict',
      'Another publish took this version at the same moment; publish again.',
    )
  // The site's ledger mirrors the live version for decide: told now, so the next request serves it.
  try {
    await ledgerFor(env, siteId).setLiveRulesVersion(version, now)
  } catch (error) {
    // The version is live in D1: the ledger reads it from there within LIVE_RULES_MAX_AGE_MS.
    console.error(`publish: telling the ledger of ${siteId} about version ${version} failed`, error)
  }
  // Token decides in this isolate stop using the version they last read (after the ledger knows).
  forgetLedgerRead(siteId)
  // Only the publish that owns the version in D1 writes its KV key, so KV can never hold refused rules.
  try {
    await env.RULES.put(rulesetKey(siteId, version), JSON.stringify(ruleset))
  } catch (error) {
    // The version is live already: decide falls back to D1 for it, so the publish still succeeded.
    console.error(
      `publish: KV write of ${rulesetKey(siteId, version)} failed; decide reads it from D1`,
      error,
    )
  }
  await clearWorkspace(env.DB, siteId)
  return { ...ruleset, sanitizedRuleIds: changedRuleIds }
}

import {
  PublishInputSchema,
  RollbackInputSchema,
  RulesetInputSchema,
  WorkspaceInputSchema,
  type PublishResult,
  type RollbackResult,
  type Ruleset,
  type RulesCheckResult,
  type VersionList,
  type Workspace,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { ADMIN_MAX_BODY_BYTES, readBody } from '../http/body'
import { analyzeRules } from './analyze'
import { diffRules } from './diff'
import { findLatestRuleset } from './queries'
import { htmlWarnings, sanitizeRules } from './safe-content'
import { publishRuleset } from './store'
import { getVersion, listVersions, rollbackTo } from './versions'
import { getWorkspace, publishWorkspace, saveWorkspace } from './workspace'

/**
 * `/v1/admin/rules`: the live rule set, direct publishes (rules as code), the version log,
 * rollback, and a dry-run check that validates a set and shows what publishing it would change.
 */
export const ruleRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const ruleset = await findLatestRuleset(c.env.DB, c.get('site').id)
    return c.json(
      ruleset ??
        ({
          version: 0,
          publishedAt: null,
          publishedBy: null,
          note: null,
          rules: [],
        } satisfies Ruleset),
    )
  })
  .put('/', async (c) => {
    const { rules } = await readBody(c, RulesetInputSchema, ADMIN_MAX_BODY_BYTES)
    const note = c.req.query('note')
    const expectVersion = parseExpectVersion(c.req.query('expectVersion'))
    const site = c.get('site')
    const ruleset = await publishRuleset(c.env, site.id, rules, Date.now(), {
      actor: c.get('actor'),
      note,
      expectVersion,
      allowScripts: site.allowScripts,
    })
    return c.json({
      version: ruleset.version,
      publishedAt: ruleset.publishedAt,
      sanitizedRuleIds: ruleset.sanitizedRuleIds,
    } satisfies PublishResult)
  })
  .post('/check', async (c) => {
    const { rules: input } = await readBody(c, RulesetInputSchema, ADMIN_MAX_BODY_BYTES)
    const site = c.get('site')
    // Diff and warnings are about what would be published: the html as it would be stored.
    const { rules, changedRuleIds } = sanitizeRules(input, site)
    const live = await findLatestRuleset(c.env.DB, site.id)
    const warnings = [...htmlWarnings(rules, changedRuleIds), ...analyzeRules(rules, Date.now())]
    return c.json({
      liveVersion: live?.version ?? 0,
      diff: diffRules(live?.rules ?? [], rules),
      warnings,
    } satisfies RulesCheckResult)
  })
  .get('/versions', async (c) =>
    c.json({ versions: await listVersions(c.env, c.get('site').id) } satisfies VersionList),
  )
  .get('/versions/:version', async (c) => {
    const version = Number(c.req.param('version'))
    if (!Number.isInteger(version) || version < 1)
      throw new ApiError('invalid_request', 'version: must be a positive integer')
    return c.json((await getVersion(c.env, c.get('site').id, version)) satisfies Ruleset)
  })
  .post('/rollback', async (c) => {
    const { version, note } = await readBody(c, RollbackInputSchema)
    const site = c.get('site')
    const ruleset = await rollbackTo(
      c.env,
      site.id,
      version,
      { actor: c.get('actor'), note, allowScripts: site.allowScripts },
      Date.now(),
    )
    return c.json({
      version: ruleset.version,
      publishedAt: ruleset.publishedAt,
      rolledBackTo: version,
      sanitizedRuleIds: ruleset.sanitizedRuleIds,
    } satisfies RollbackResult)
  })

/** `/v1/admin/workspace`: the working copy the editor saves to, previewed and then published. */
export const workspaceRoutes = new Hono<AppEnv>()
  .get('/', async (c) =>
    c.json((await getWorkspace(c.env, c.get('site').id, Date.now())) satisfies Workspace),
  )
  .put('/', async (c) => {
    const { rules } = await readBody(c, WorkspaceInputSchema, ADMIN_MAX_BODY_BYTES)
    const site = c.get('site')
    const workspace = await saveWorkspace(c.env, site.id, rules, c.get('actor'), Date.now(), site)
    return c.json(workspace satisfies Workspace)
  })
  .post('/publish', async (c) => {
    const { note } = await readBody(c, PublishInputSchema)
    const site = c.get('site')
    const ruleset = await publishWorkspace(
      c.env,
      site.id,
      { actor: c.get('actor'), note, allowScripts: site.allowScripts },
      Date.now(),
    )
    return c.json({
      version: ruleset.version,
      publishedAt: ruleset.publishedAt,
      sanitizedRuleIds: ruleset.sanitizedRuleIds,
    } satisfies PublishResult)
  })

/** `?expectVersion=N`: publish only if version N is still live (what `rules push` checked against). */
function parseExpectVersion(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const version = Number(value)
  if (!Number.isInteger(version) || version < 0)
    throw new ApiError('invalid_request', 'expectVersion: must be a whole number, 0 or more')
  return version
}

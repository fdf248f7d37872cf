import { z } from 'zod'
import { DateTimeSchema } from './ids'
import { RuleSchema, RulesetInputSchema } from './rules'

/** Body of `PUT /v1/admin/workspace`: the working copy marketers edit before publishing. */
export const WorkspaceInputSchema = RulesetInputSchema

/** Body of `POST /v1/admin/workspace/publish` and of `PUT /v1/admin/rules` extras. */
export const PublishInputSchema = z.strictObject({
  note: z.string().max(500).optional(),
})

/** Body of `POST /v1/admin/rules/rollback`. */
export const RollbackInputSchema = z.strictObject({
  version: z.number().int().positive(),
  note: z.string().max(500).optional(),
})

export const WarningCodeSchema = z.enum([
  'priority_tie',
  'never_matches',
  'shadowed',
  'new_visitors_favoured',
  'unverified_coded_offer',
  'html_sanitized',
])

/**
 * A problem found in a rule set: shown in the editor and returned by the API, never blocking.
 * @example { code: 'priority_tie', slot: 'hero', ruleIds: ['a', 'b'], message: '...' }
 */
export const RuleWarningSchema = z.strictObject({
  code: WarningCodeSchema,
  slot: z.string(),
  ruleIds: z.array(z.string()),
  message: z.string(),
})

/** A rule present before and after, with the top-level fields that differ. */
export const RuleChangeSchema = z.strictObject({ id: z.string(), fields: z.array(z.string()) })

/**
 * What changed between two rule sets, by rule id.
 * @example { added: ['new'], removed: [], changed: [{ id: 'hero', fields: ['content'] }] }
 */
export const RulesetDiffSchema = z.strictObject({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(RuleChangeSchema),
})

/**
 * One published version in the audit log.
 * @example { version: 3, publishedAt: '2026-11-20T10:00:00.000Z', publishedBy: 'Maria', note: null, ruleCount: 4, diff: { added: [], removed: [], changed: [] } }
 */
export const VersionSummarySchema = z.strictObject({
  version: z.number().int().positive(),
  publishedAt: DateTimeSchema,
  publishedBy: z.string(),
  note: z.string().nullable(),
  ruleCount: z.number().int().nonnegative(),
  /** Changes from the version before it. */
  diff: RulesetDiffSchema,
})

/** Answer of `GET /v1/admin/rules/versions`: the newest 100 versions, newest first. */
export const VersionListSchema = z.strictObject({ versions: z.array(VersionSummarySchema) })

/**
 * Answer of `PUT /v1/admin/rules` and `POST /v1/admin/workspace/publish`: the version published,
 * and the rules whose html content was sanitized on the way in.
 * @example { version: 4, publishedAt: '2026-11-20T10:00:00.000Z', sanitizedRuleIds: [] }
 */
export const PublishResultSchema = z.strictObject({
  version: z.number().int().positive(),
  publishedAt: DateTimeSchema,
  sanitizedRuleIds: z.array(z.string()),
})

/** Answer of `POST /v1/admin/rules/rollback`: the new version, a copy of `rolledBackTo`. */
export const RollbackResultSchema = PublishResultSchema.extend({
  rolledBackTo: z.number().int().positive(),
})

/**
 * Answer of `POST /v1/admin/rules/check`: what publishing the set would change, and its warnings;
 * nothing is published.
 * @example { liveVersion: 3, diff: { added: ['new'], removed: [], changed: [] }, warnings: [] }
 */
export const RulesCheckResultSchema = z.strictObject({
  liveVersion: z.number().int().nonnegative(),
  diff: RulesetDiffSchema,
  warnings: z.array(RuleWarningSchema),
})

/** The status a marketer sees: a live rule is `scheduled` before its start, `ended` after its end. */
export const DisplayStatusSchema = z.enum(['draft', 'paused', 'scheduled', 'live', 'ended'])

/** A rule of the working copy, with the status the editor shows. */
export const WorkspaceRuleSchema = z.strictObject({
  ...RuleSchema.shape,
  displayStatus: DisplayStatusSchema,
})

/**
 * Answer of `GET` and `PUT /v1/admin/workspace`: the working copy (the live rules when nothing is
 * being edited), how it differs from live, and its warnings.
 * @example { rules: [], liveVersion: 3, baseVersion: 3, updatedAt: null, updatedBy: null, diff: { added: [], removed: [], changed: [] }, hasChanges: false, warnings: [] }
 */
export const WorkspaceSchema = z.strictObject({
  rules: z.array(WorkspaceRuleSchema),
  liveVersion: z.number().int().nonnegative(),
  /** The live version the working copy was started from. */
  baseVersion: z.number().int().nonnegative(),
  updatedAt: DateTimeSchema.nullable(),
  updatedBy: z.string().nullable(),
  /** Changes the working copy would publish. */
  diff: RulesetDiffSchema,
  hasChanges: z.boolean(),
  warnings: z.array(RuleWarningSchema),
})

export type WarningCode = z.infer<typeof WarningCodeSchema>
export type RuleWarning = z.infer<typeof RuleWarningSchema>
export type RuleChange = z.infer<typeof RuleChangeSchema>
export type RulesetDiff = z.infer<typeof RulesetDiffSchema>
export type VersionSummary = z.infer<typeof VersionSummarySchema>
export type VersionList = z.infer<typeof VersionListSchema>
export type PublishResult = z.infer<typeof PublishResultSchema>
export type RollbackResult = z.infer<typeof RollbackResultSchema>
export type RulesCheckResult = z.infer<typeof RulesCheckResultSchema>
export type DisplayStatus = z.infer<typeof DisplayStatusSchema>
export type WorkspaceRule = z.infer<typeof WorkspaceRuleSchema>
export type Workspace = z.infer<typeof WorkspaceSchema>

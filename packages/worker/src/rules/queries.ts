import type { Rule, Ruleset } from '@stammis/contract'

type RulesetRow = {
  version: number
  rules: string
  published_at: number
  published_by: string
  note: string | null
}

const RULESET_COLUMNS = 'version, rules, published_at, published_by, note'

function toRuleset(row: RulesetRow): Ruleset {
  return {
    version: row.version,
    publishedAt: new Date(row.published_at).toISOString(),
    publishedBy: row.published_by,
    note: row.note,
    rules: JSON.parse(row.rules) as Rule[],
  }
}

/** Every published version, newest first: the audit log. */
export async function listRulesets(
  db: D1Database,
  siteId: string,
  limit: number,
): Promise<Ruleset[]> {
  const rows = await db
    .prepare(
      `SELECT ${RULESET_COLUMNS} FROM rulesets WHERE site_id = ?1 ORDER BY version DESC LIMIT ?2`,
    )
    .bind(siteId, limit)
    .all<RulesetRow>()
  return rows.results.map(toRuleset)
}

/** The live (newest) rule set, or null when the site never published one. */
export async function findLatestRuleset(db: D1Database, siteId: string): Promise<Ruleset | null> {
  const row = await db
    .prepare(
      `SELECT ${RULESET_COLUMNS} FROM rulesets WHERE site_id = ?1 ORDER BY version DESC LIMIT 1`,
    )
    .bind(siteId)
    .first<RulesetRow>()
  return row ? toRuleset(row) : null
}

export async function findRuleset(
  db: D1Database,
  siteId: string,
  version: number,
): Promise<Ruleset | null> {
  const row = await db
    .prepare(`SELECT ${RULESET_COLUMNS} FROM rulesets WHERE site_id = ?1 AND version = ?2`)
    .bind(siteId, version)
    .first<RulesetRow>()
  return row ? toRuleset(row) : null
}

export async function findLatestVersion(db: D1Database, siteId: string): Promise<number> {
  const row = await db
    .prepare('SELECT coalesce(max(version), 0) AS version FROM rulesets WHERE site_id = ?1')
    .bind(siteId)
    .first<{ version: number }>()
  return row?.version ?? 0
}

/** A version to store: who published it and the note may be left out (`api key`, none). */
type RulesetToInsert = Pick<Ruleset, 'version' | 'rules'> & Partial<Ruleset>

/** Inserts a version; false when that version number was taken meanwhile (a concurrent publish). */
export async function insertRuleset(
  db: D1Database,
  siteId: string,
  ruleset: RulesetToInsert,
  publishedAt: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      'INSERT OR IGNORE INTO rulesets (site_id, version, rules, published_at, published_by, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)',
    )
    .bind(
      siteId,
      ruleset.version,
      JSON.stringify(ruleset.rules),
      publishedAt,
      ruleset.publishedBy ?? 'api key',
      ruleset.note ?? null,
    )
    .run()
  return result.meta.changes === 1
}

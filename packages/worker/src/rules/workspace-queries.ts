import type { Rule } from '@stammis/contract'

export type WorkspaceRow = {
  rules: Rule[]
  baseVersion: number
  updatedAt: number
  updatedBy: string
}

export async function findWorkspace(db: D1Database, siteId: string): Promise<WorkspaceRow | null> {
  const row = await db
    .prepare(
      'SELECT rules, base_version, updated_at, updated_by FROM rule_workspaces WHERE site_id = ?1',
    )
    .bind(siteId)
    .first<{ rules: string; base_version: number; updated_at: number; updated_by: string }>()
  if (!row) return null
  return {
    rules: JSON.parse(row.rules) as Rule[],
    baseVersion: row.base_version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }
}

export async function saveWorkspaceRow(
  db: D1Database,
  siteId: string,
  workspace: WorkspaceRow,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO rule_workspaces (site_id, rules, base_version, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (site_id) DO UPDATE SET rules = excluded.rules, base_version = excluded.base_version,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(
      siteId,
      JSON.stringify(workspace.rules),
      workspace.baseVersion,
      workspace.updatedAt,
      workspace.updatedBy,
    )
    .run()
}

/** After a publish the working copy is the live set again, so the row is simply dropped. */
export async function clearWorkspace(db: D1Database, siteId: string): Promise<void> {
  await db.prepare('DELETE FROM rule_workspaces WHERE site_id = ?1').bind(siteId).run()
}

import type { Env } from '../env'

/** How long the object trusts its copy of the live rules version before asking D1 again. */
export const LIVE_RULES_MAX_AGE_MS = 60_000

/**
 * The object's mirror of the site's live rule-set version, so decide needs no D1 read: the
 * publish path tells the object the version it made live (`set`, after its D1 write), and a copy
 * older than `LIVE_RULES_MAX_AGE_MS` is read again from D1 (covering a push that was lost), so a
 * publish is live on the next request and never later than a minute. Versions only grow, so the
 * mirror keeps the highest it heard of. Kept in memory: an object that restarts asks D1 once.
 *
 * The `rulesets` table belongs to src/rules/queries.ts; this is its one other reader, with its
 * own statement, because the rules domain calls the ledger (the push) and the ledger importing
 * the rules domain back would make the two folders depend on each other.
 */
export class LiveRules {
  private known: { version: number; checkedAt: number } | null = null

  constructor(private readonly env: Pick<Env, 'DB'>) {}

  /**
   * The live version as of `now`, from memory or, when the copy is too old, from D1.
   * @example const rulesVersion = await liveRules.version(site.id, Date.now())
   */
  async version(siteId: string, now: number): Promise<number> {
    if (this.known && now - this.known.checkedAt < LIVE_RULES_MAX_AGE_MS) return this.known.version
    const row = await this.env.DB.prepare(
      'SELECT max(version) AS version FROM rulesets WHERE site_id = ?1',
    )
      .bind(siteId)
      .first<{ version: number | null }>()
    return this.set(row?.version ?? 0, now)
  }

  /** Records a version as live (the highest heard of wins); returns the version now mirrored. */
  set(version: number, now: number): number {
    const highest = Math.max(version, this.known?.version ?? 0)
    this.known = { version: highest, checkedAt: now }
    return highest
  }
}

/**
 * The most browsers (visitor ids) one customer may be linked to (the ledger enforces it when it
 * links, `ledger/visitors.ts`): a bound on what one customer id can gather. At the cap a new link is refused (the browser stays its own person and everything it
 * sends is still recorded). A customer's history row (`c:<key>`, where orders the shop's server
 * reports without a visitor id hang) is not a browser and does not count.
 */
export const MAX_VISITORS_PER_CUSTOMER = 50

/**
 * The site's identity secret (null until one is created): read only when a batch carries a signed
 * identify, so ordinary batches pay nothing for it.
 * @example await findIdentitySecret(env.DB, site.id) // 'idsec_…' or null
 */
export async function findIdentitySecret(db: D1Database, siteId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT identity_secret FROM sites WHERE id = ?1')
    .bind(siteId)
    .first<{ identity_secret: string | null }>()
  return row?.identity_secret ?? null
}

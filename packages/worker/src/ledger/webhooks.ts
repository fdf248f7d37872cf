import { run, type Sql } from './sql'

/**
 * Remembers an accepted webhook delivery by its signature, forgetting those received before
 * `forgetBefore` (older than the signature window allows anyway). False when the signature was
 * already accepted: a replay, which must change nothing.
 * @example if (!rememberDelivery(sql, signature, now, now - 2 * WEBHOOK_TOLERANCE_MS)) throw ...
 */
export function rememberDelivery(
  sql: Sql,
  signature: string,
  now: number,
  forgetBefore: number,
): boolean {
  sql.exec('DELETE FROM webhook_deliveries WHERE received_at < ?1', forgetBefore)
  return (
    run(
      sql,
      'INSERT OR IGNORE INTO webhook_deliveries (signature, received_at) VALUES (?1, ?2)',
      signature,
      now,
    ) === 1
  )
}

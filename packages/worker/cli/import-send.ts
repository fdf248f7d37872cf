import type { ServerOrdersResult } from '@stammis/contract'
import { AdminApiError, adminRequest, type Connection } from './admin-api'
import type { LineOrder } from './import-sort'

/** What the worker did with one batch, and the orders it refused (with their lines). */
export type BatchOutcome = ServerOrdersResult & { rejected: { line: number; reason: string }[] }

const RETRY_DELAY_MS = 1000

/**
 * Sends one batch (up to 1,000 orders) to `POST /v1/admin/orders?source=import`.
 * - A network failure, timeout or 5xx is retried once after a second: the call is idempotent by
 *   order id, so a batch that was stored before the failure comes back as duplicates.
 * - The worker refuses a whole call for one invalid order (400 with `orders.3.placedAt`); the
 *   rows were checked with the same schema, so that only happens with a worker whose schema
 *   differs. Those orders are reported as rejected and the rest is sent again.
 * Anything else (refused key, second failure) is thrown as the `AdminApiError`.
 * @example const outcome = await sendBatch(connection, batch)
 */
export async function sendBatch(connection: Connection, batch: LineOrder[]): Promise<BatchOutcome> {
  try {
    return { ...(await postWithRetry(connection, batch)), rejected: [] }
  } catch (error) {
    const refused = refusedOrders(error, batch)
    if (refused.size === 0) throw error
    const rest = batch.filter((_, index) => !refused.has(index))
    const rejected = [...refused].map(([index, reason]) => ({
      line: batch[index]!.line,
      reason: `refused by the worker: ${reason}`,
    }))
    if (rest.length === 0)
      return { accepted: 0, confirmed: 0, conflicts: 0, duplicates: 0, rejected }
    return { ...(await postWithRetry(connection, rest)), rejected }
  }
}

async function postWithRetry(
  connection: Connection,
  batch: LineOrder[],
): Promise<ServerOrdersResult> {
  const body = { orders: batch.map((item) => item.order) }
  try {
    return await adminRequest<ServerOrdersResult>(
      connection,
      'POST',
      '/v1/admin/orders?source=import',
      body,
    )
  } catch (error) {
    if (!isTransient(error)) throw error
    await new Promise((done) => setTimeout(done, RETRY_DELAY_MS))
    return await adminRequest<ServerOrdersResult>(
      connection,
      'POST',
      '/v1/admin/orders?source=import',
      body,
    )
  }
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof AdminApiError)) return false
  return error.code === 'unreachable' || error.code === 'timeout' || (error.status ?? 0) >= 500
}

/** The batch's orders named in a 400's issues (`orders.3.placedAt`), with the reasons. */
function refusedOrders(error: unknown, batch: LineOrder[]): Map<number, string> {
  const refused = new Map<number, string>()
  if (!(error instanceof AdminApiError) || error.code !== 'invalid_request') return refused
  for (const issue of error.issues) {
    const match = /^orders\.(\d+)(?:\.(.+))?$/.exec(issue.path)
    const index = Number(match?.[1])
    if (!match || index >= batch.length) continue
    const reason = `${match[2] ? `${match[2]}: ` : ''}${issue.message}`
    refused.set(index, refused.has(index) ? `${refused.get(index)}; ${reason}` : reason)
  }
  return refused
}

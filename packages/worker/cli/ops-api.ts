import type { ErrorBody } from '@stammis/contract'
import { LOCAL_ENDPOINT, networkCause, validateEndpoint } from './admin-api'
// @ts-expect-error plain ESM helpers without types: the local worker's token, where it is set
import { LOCAL_OPS_TOKEN } from '../../../scripts/local-worker.mjs'
import { CommandError, UsageError } from './args'

/** A migrate step copies at most 10,000 rows: seconds, even on a busy machine. */
const TIMEOUT_MS = 120_000

/** Where the worker is and the operator's token. */
export type OpsConnection = { endpoint: string; token: string }

/**
 * The ops connection: --endpoint or STAMMIS_ENDPOINT, and the token from STAMMIS_OPS_TOKEN (never
 * an option, which would end up in shell history). A local run defaults to `pnpm dev`'s worker and
 * token; a remote one needs both.
 * @example resolveOpsConnection({ endpoint: undefined }, process.env, 'remote')
 */
export function resolveOpsConnection(
  values: { endpoint?: string | undefined },
  env: NodeJS.ProcessEnv,
  target: 'local' | 'remote',
): OpsConnection {
  const rawEndpoint =
    values.endpoint ?? env.STAMMIS_ENDPOINT ?? (target === 'local' ? LOCAL_ENDPOINT : undefined)
  if (rawEndpoint === undefined)
    throw new UsageError(
      'with --remote, set STAMMIS_ENDPOINT=https://stammis.<account>.workers.dev (or pass --endpoint)',
    )
  const token = (
    env.STAMMIS_OPS_TOKEN ?? (target === 'local' ? (LOCAL_OPS_TOKEN as string) : '')
  ).trim()
  if (token === '')
    throw new UsageError(
      'with --remote, set STAMMIS_OPS_TOKEN to the OPS_TOKEN secret of the deployed worker',
    )
  return { endpoint: validateEndpoint(rawEndpoint), token }
}

/**
 * Calls an operator route and returns its JSON answer (the contract's type `T`). Any failure is a
 * `CommandError` (exit 1) saying what to do: unreachable worker, routes off, token refused.
 * @example await opsRequest<StorageCounts>(connection, 'GET', '/v1/ops/storage/counts?siteId=site_1')
 */
export async function opsRequest<T>(
  connection: OpsConnection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response
  try {
    response = await fetch(connection.endpoint + path, {
      method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    throw new CommandError(
      `could not reach the worker at ${connection.endpoint} (${networkCause(error)}); is it running? Set --endpoint or STAMMIS_ENDPOINT`,
      1,
    )
  }
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new CommandError(
      `${connection.endpoint} answered HTTP ${response.status} with something other than JSON; is it a Stammis worker?`,
      1,
    )
  }
  if (response.ok) return json as T
  const error = (json as { error?: Partial<ErrorBody['error']> } | null)?.error
  throw new CommandError(describeRefusal(connection.endpoint, response.status, error), 1)
}

function describeRefusal(
  endpoint: string,
  status: number,
  error: Partial<ErrorBody['error']> | undefined,
): string {
  switch (error?.code) {
    case 'not_found':
      return `${endpoint} has no operator routes: the worker has no OPS_TOKEN of at least 32 characters (deployed: \`wrangler secret put OPS_TOKEN\`; locally \`pnpm dev\` sets one), or it is an older Stammis`
    case 'missing_ops_token':
    case 'invalid_ops_token':
      return `${endpoint} refused the token: set STAMMIS_OPS_TOKEN to the worker's OPS_TOKEN`
    default:
      return `${endpoint} answered HTTP ${status}: ${error?.message ?? 'no error message'}`
  }
}

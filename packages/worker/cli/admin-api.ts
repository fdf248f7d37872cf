import type { ErrorBody } from '@stammis/contract'
import { userInfo } from 'node:os'
import { UsageError } from './args'

/** Where the admin API is and who is calling it: `--endpoint`, `--key`, `--user`. */
export type Connection = { endpoint: string; secretKey: string; user: string | undefined }

/** The options every admin API command accepts, for `parseOptions`. */
export const connectionOptions = {
  endpoint: { type: 'string' },
  key: { type: 'string' },
  user: { type: 'string' },
} as const

/** The connection options' lines for a command's usage text. */
export const connectionUsage = `  --endpoint URL     the worker (default $STAMMIS_ENDPOINT, else http://127.0.0.1:8787)
  --key sk_...       the site's secret key; prefer the STAMMIS_SECRET_KEY environment variable,
                     as --key is saved in your shell history
  --user NAME        who is acting, recorded as the publisher in the version log
                     (default your OS user name)`

/** The worker `pnpm dev` runs: every command's endpoint unless told otherwise. */
export const LOCAL_ENDPOINT = 'http://127.0.0.1:8787'
const TIMEOUT_MS = 30_000

/**
 * The connection from the parsed options and the environment (STAMMIS_ENDPOINT,
 * STAMMIS_SECRET_KEY). A missing or malformed value is a `UsageError`.
 * @example const connection = resolveConnection(values, process.env)
 */
export function resolveConnection(
  values: { endpoint?: string | undefined; key?: string | undefined; user?: string | undefined },
  env: NodeJS.ProcessEnv,
): Connection {
  if (values.key !== undefined) {
    console.error(
      'Note: --key is saved in your shell history; prefer STAMMIS_SECRET_KEY=sk_... in the environment.',
    )
  }
  const secretKey = (values.key ?? env.STAMMIS_SECRET_KEY ?? '').trim()
  if (secretKey === '')
    throw new UsageError('no secret key: set STAMMIS_SECRET_KEY=sk_... (or pass --key sk_...)')
  if (secretKey.startsWith('pk_'))
    throw new UsageError(
      'that is the public key (pk_...); the admin API needs the secret key (sk_...)',
    )
  return {
    endpoint: validateEndpoint(values.endpoint ?? env.STAMMIS_ENDPOINT ?? LOCAL_ENDPOINT),
    secretKey,
    user: values.user !== undefined ? validateUser(values.user) : osUserName(),
  }
}

/**
 * The worker's base URL without a trailing slash; anything but an http(s) URL is a `UsageError`.
 * @example validateEndpoint('https://stammis.example.workers.dev/') // 'https://stammis.example.workers.dev'
 */
export function validateEndpoint(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new UsageError(
      `--endpoint must be a URL like https://stammis.example.workers.dev (got "${raw}")`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--endpoint must start with http:// or https:// (got "${raw}")`)
  return url.href.replace(/\/+$/, '')
}

// HTTP header values must be printable ASCII here (fetch refuses others).
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/

function validateUser(raw: string): string {
  const user = raw.trim()
  if (!PRINTABLE_ASCII.test(user) || user.length > 100) {
    throw new UsageError(
      '--user must be 1 to 100 plain ASCII characters, like "maria" or "CI deploy"',
    )
  }
  return user
}

function osUserName(): string | undefined {
  try {
    const name = userInfo().username
    return PRINTABLE_ASCII.test(name) ? name : undefined
  } catch {
    // No passwd entry (some containers): the worker records "api key" instead.
    return undefined
  }
}

/**
 * The admin API answered with an error, or could not be reached. `issues` come with
 * invalid_request; `status` is the HTTP status when there was an answer.
 */
export class AdminApiError extends Error {
  override name = 'AdminApiError'
  constructor(
    message: string,
    readonly code: string,
    readonly issues: { path: string; message: string }[] = [],
    readonly status?: number,
  ) {
    super(message)
  }
}

/**
 * Calls the admin API and returns the parsed JSON body, typed `T`: the contract's answer of that
 * route (`Ruleset`, `PublishResult`, ...; GET /openapi.json lists them). Any failure is an
 * `AdminApiError` with a one-line message a person can act on (unreachable worker, refused key, ...).
 * @example const live = await adminRequest<Ruleset>(connection, 'GET', '/v1/admin/rules')
 */
export async function adminRequest<T>(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const url = connection.endpoint + path
  const headers: Record<string, string> = {
    authorization: `Bearer ${connection.secretKey}`,
    accept: 'application/json',
  }
  if (connection.user) headers['x-stammis-user'] = connection.user
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    throw unreachable(connection.endpoint, error)
  }
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new AdminApiError(
      `${connection.endpoint} answered HTTP ${response.status} with something other than JSON; is --endpoint a Stammis worker?`,
      'bad_response',
      [],
      response.status,
    )
  }
  if (response.ok) return json as T
  throw apiError(connection.endpoint, response.status, json)
}

/**
 * Why a fetch to the worker failed, in one word: the system's code (ECONNREFUSED, ...) or the
 * error's name (TimeoutError, ...).
 */
export function networkCause(error: unknown): string {
  return error instanceof Error
    ? ((error.cause as { code?: string } | undefined)?.code ?? error.name)
    : String(error)
}

function unreachable(endpoint: string, error: unknown): AdminApiError {
  const cause = networkCause(error)
  if (cause === 'TimeoutError')
    return new AdminApiError(`${endpoint} did not answer within ${TIMEOUT_MS / 1000} s`, 'timeout')
  return new AdminApiError(
    `could not reach the worker at ${endpoint} (${cause}); is it running? Set --endpoint or STAMMIS_ENDPOINT`,
    'unreachable',
  )
}

function apiError(endpoint: string, status: number, json: unknown): AdminApiError {
  const described = describeError(endpoint, status, json)
  return new AdminApiError(described.message, described.code, described.issues, status)
}

function describeError(endpoint: string, status: number, json: unknown): AdminApiError {
  // Any JSON may come back from a wrong endpoint: read it as an error body that may be partial.
  const error = (json as { error?: Partial<ErrorBody['error']> } | null)?.error
  const code = error?.code ?? `http_${status}`
  switch (code) {
    case 'invalid_api_key':
      return new AdminApiError(
        `the secret key was refused by ${endpoint}: it is not valid for any site there`,
        code,
      )
    case 'missing_api_key':
    case 'public_key_not_allowed':
      return new AdminApiError(`the secret key was refused by ${endpoint}: ${error?.message}`, code)
    case 'not_found':
      return new AdminApiError(
        `${endpoint} has no rules API (${error?.message}); is --endpoint a Stammis worker?`,
        code,
      )
    default:
      return new AdminApiError(
        error?.message ?? `${endpoint} answered HTTP ${status}`,
        code,
        error?.issues,
      )
  }
}

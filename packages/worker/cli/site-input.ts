import { resolve } from 'node:path'
import { DEFAULT_LAPSE_DAYS } from '../src/sites/site'
import { parseOptions, required, UsageError } from './args'
import type { D1Target } from './wrangler'

/** Everything `site create` needs, validated and normalised. */
export type SiteCreateInput = {
  name: string
  allowedOrigins: string[]
  currency: string
  lapseDays: number
  timeZone: string
  target: D1Target
  /** True when neither --local nor --remote was given, so the CLI says which one it picked. */
  isDefaultTarget: boolean
}

const MAX_NAME_LENGTH = 100
const MAX_LAPSE_DAYS = 3650

/**
 * Parses and validates the arguments of `site create`; any problem is a `UsageError` naming the
 * flag and what a valid value looks like.
 * @example parseSiteCreateArgs(['--name', 'My Shop', '--origin', 'https://shop.example'])
 */
export function parseSiteCreateArgs(argv: string[]): SiteCreateInput {
  const { values } = parseOptions(argv, {
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    currency: { type: 'string', default: 'USD' },
    'lapse-days': { type: 'string', default: String(DEFAULT_LAPSE_DAYS) },
    'time-zone': { type: 'string', default: 'UTC' },
    ...targetOptions,
  })
  const target = parseTarget(values)
  const origins = required(
    values.origin,
    '--origin (at least one, e.g. --origin https://shop.example)',
  )
  return {
    name: validateName(required(values.name, '--name')),
    allowedOrigins: [...new Set(origins.map(normalizeOrigin))],
    currency: validateCurrency(values.currency),
    lapseDays: validateLapseDays(values['lapse-days']),
    timeZone: validateTimeZone(values['time-zone']),
    target,
    isDefaultTarget: !values.local && !values.remote,
  }
}

/**
 * A `--site` value: a public key (pk_...) or a site id (site_...), checked strictly, so commands may
 * put it in SQL and URLs as it is.
 * @example siteReference('pk_demo') // 'pk_demo'
 */
export function siteReference(raw: string): string {
  if (!/^(pk|site)_[A-Za-z0-9_-]{1,64}$/.test(raw))
    throw new UsageError(
      `--site must be a public key (pk_...) or a site id (site_...) (got "${raw}")`,
    )
  return raw
}

/** The `parseOptions` entries of the database-target flags every `site` command takes. */
export const targetOptions = {
  local: { type: 'boolean', default: false },
  remote: { type: 'boolean', default: false },
  'persist-to': { type: 'string' },
} as const

/**
 * The database a `site` command writes to, from `--local` / `--persist-to` / `--remote`.
 * @example parseTarget({ local: false, remote: true }) // { kind: 'remote' }
 */
export function parseTarget(values: {
  local?: boolean
  remote?: boolean
  'persist-to'?: string | undefined
}): D1Target {
  if (values.local && values.remote)
    throw new UsageError('give either --local or --remote, not both')
  if (values.remote && values['persist-to'] !== undefined)
    throw new UsageError('--persist-to only applies to --local')
  if (values.remote) return { kind: 'remote' }
  if (values['persist-to'] !== undefined)
    return {
      kind: 'local',
      persistTo: absolutePath(nonEmpty(values['persist-to'], '--persist-to')),
    }
  return { kind: 'local' }
}

function validateName(raw: string): string {
  const name = raw.trim()
  if (name === '') throw new UsageError('--name must not be empty')
  if (name.length > MAX_NAME_LENGTH)
    throw new UsageError(`--name must be at most ${MAX_NAME_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new UsageError('--name must not contain control characters')
  return name
}

function validateCurrency(currency: string): string {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new UsageError(
      `--currency must be a 3-letter ISO 4217 code in uppercase, like USD or EUR (got "${currency}")`,
    )
  }
  return currency
}

function validateLapseDays(raw: string): number {
  const days = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_LAPSE_DAYS) {
    throw new UsageError(
      `--lapse-days must be a whole number of days from 1 to ${MAX_LAPSE_DAYS} (got "${raw}")`,
    )
  }
  return days
}

/**
 * An IANA time zone in its canonical spelling, or a `UsageError` naming `--time-zone`.
 * @example validateTimeZone('europe/berlin') // 'Europe/Berlin'
 */
export function validateTimeZone(raw: string): string {
  try {
    // Canonical spelling, e.g. "utc" -> "UTC", "europe/berlin" -> "Europe/Berlin".
    return new Intl.DateTimeFormat('en', { timeZone: raw }).resolvedOptions().timeZone
  } catch {
    throw new UsageError(
      `--time-zone must be an IANA time zone like UTC or Europe/Berlin (got "${raw}")`,
    )
  }
}

/**
 * An allowed origin as the browser sends it in the Origin header: scheme, host and optional port,
 * lowercased, punycoded, default port dropped. Like the worker's origin matcher, the host may
 * start with `*.` (any subdomain) and the port may be `*` (any port).
 * @example normalizeOrigin('https://Shop.Example/') // 'https://shop.example'
 */
export function normalizeOrigin(raw: string): string {
  const invalid = (why: string) =>
    new UsageError(
      `--origin "${raw}" ${why}; give scheme and host only, like https://shop.example or http://localhost:3000`,
    )
  const match = /^(https?):\/\/([^/?#@\s]+)\/?$/i.exec(raw.trim())
  if (!match) {
    if (!/^https?:\/\//i.test(raw.trim())) throw invalid('must start with http:// or https://')
    throw invalid('must not have a path, query, fragment or user name')
  }
  const [, scheme, authority] = match as unknown as [string, string, string]
  const isAnyPort = authority.endsWith(':*')
  const hostAndPort = isAnyPort ? authority.slice(0, -2) : authority
  const isAnySubdomain = hostAndPort.startsWith('*.')
  // Validate what remains with the URL parser, standing a plain label in for the wildcard.
  const placeholder = 'wildcard-subdomain'
  let url: URL
  try {
    url = new URL(
      `${scheme}://${isAnySubdomain ? placeholder + hostAndPort.slice(1) : hostAndPort}`,
    )
  } catch {
    throw invalid('is not a valid origin')
  }
  if (url.hostname.includes('*'))
    throw invalid('may only use "*" as the first label of the host (https://*.shop.example)')
  if (isAnyPort && url.port !== '') throw invalid('has two ports')
  let origin = url.origin
  if (isAnySubdomain) origin = origin.replace(`//${placeholder}.`, '//*.')
  return isAnyPort ? `${origin}:*` : origin
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} must not be empty`)
  return value
}

/**
 * Wrangler runs in packages/worker, so a relative folder is resolved here first: against the
 * folder the user typed the command in (INIT_CWD, set by pnpm and npx), not the script's.
 * @example absolutePath('tmp/state') // '/home/me/shop/tmp/state'
 */
export function absolutePath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path)
}

import {
  DEFAULT_DAILY_WRITE_QUOTA,
  MAX_DAILY_WRITE_QUOTA,
  quotaCommandSql,
  type QuotaReportRow,
} from '../src/limits/quota'
import type { SiteSettings } from '@stammis/contract'
import { adminRequest, connectionOptions, resolveConnection, type Connection } from './admin-api'
import { CommandError, parseOptions, required, UsageError } from './args'
import type { Command } from './command'
import { parseTarget, siteReference, targetOptions } from './site-input'
import { executeSql, type D1Target } from './wrangler'

const usage = `Usage: stammis site quota --site KEY [--daily-writes N | --default]
                            [--local [--persist-to DIR] | --remote] [--endpoint URL]

Shows a site's daily write quota and what it used today; with --daily-writes or --default,
changes it first. The quota caps the rows one site stores through its public key per UTC day
(events accepted, exposures recorded), so that no site can fill the database all sites share.
Over it, POST /v1/events answers 429 quota_exceeded until the next UTC day. Only the operator
of the deployment can change it: the shop's own keys cannot.

  --site KEY          the site's public key (pk_...) or id (site_...) (required)
  --daily-writes N    rows per UTC day, 0 to ${MAX_DAILY_WRITE_QUOTA.toLocaleString('en-US')} (0 stops the site's writes)
  --default           back to the default, ${DEFAULT_DAILY_WRITE_QUOTA.toLocaleString('en-US')} rows per day
  --local             the local D1 database that wrangler dev uses (the default)
  --persist-to DIR    with --local: the wrangler state folder (default packages/worker/.wrangler/state)
  --remote            the deployed D1 database named in wrangler.jsonc
  --endpoint URL      the worker to ask for today's writes (default $STAMMIS_ENDPOINT, else
                      http://127.0.0.1:8787), with the site's secret key in STAMMIS_SECRET_KEY:
                      today's count lives in the site's ledger, not in D1. Without the key,
                      "Used today" is not shown.

Exit status: 0 shown or changed, 1 wrangler or the database failed, 2 bad input or no such
site (nothing written).`

export type SiteQuotaInput = {
  site: string
  /** A number to set, null to go back to the default, undefined to only show it. */
  dailyWrites: number | null | undefined
  target: D1Target
  /** Where to ask for today's writes (the admin site answer); null: no secret key given. */
  connection: Connection | null
}

/**
 * Parses and validates the arguments of `site quota`; any problem is a `UsageError`.
 * @example parseSiteQuotaArgs(['--site', 'pk_demo', '--daily-writes', '500000', '--remote'])
 */
export function parseSiteQuotaArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): SiteQuotaInput {
  const { values } = parseOptions(argv, {
    site: { type: 'string' },
    'daily-writes': { type: 'string' },
    default: { type: 'boolean', default: false },
    ...targetOptions,
    endpoint: connectionOptions.endpoint,
  })
  const target = parseTarget(values)
  if (values.default && values['daily-writes'] !== undefined)
    throw new UsageError('give either --daily-writes or --default, not both')
  const site = siteReference(
    required(values.site, '--site (the public key pk_... or the id site_...)'),
  )
  return {
    site,
    dailyWrites: values.default
      ? null
      : values['daily-writes'] === undefined
        ? undefined
        : validateDailyWrites(values['daily-writes']),
    target,
    connection: env.STAMMIS_SECRET_KEY?.trim()
      ? resolveConnection({ endpoint: values.endpoint }, env)
      : null,
  }
}

function validateDailyWrites(raw: string): number {
  const writes = /^\d+$/.test(raw.replaceAll('_', '')) ? Number(raw.replaceAll('_', '')) : NaN
  if (!Number.isSafeInteger(writes) || writes > MAX_DAILY_WRITE_QUOTA) {
    throw new UsageError(
      `--daily-writes must be a whole number from 0 to ${MAX_DAILY_WRITE_QUOTA} (got "${raw}")`,
    )
  }
  return writes
}

/**
 * `stammis site quota`: show or set a site's daily write quota, with `wrangler d1 execute`.
 * @example await siteQuota.run(['--site', 'pk_demo', '--daily-writes', '500000', '--remote'])
 */
export const siteQuota: Command = {
  name: 'site quota',
  summary: "show or raise a site's daily write quota",
  usage,
  async run(argv) {
    const input = parseSiteQuotaArgs(argv)
    const results = await executeSql(input.target, quotaCommandSql(input.site, input.dailyWrites))
    const row = results[results.length - 1]?.[0] as QuotaReportRow | undefined
    if (!row)
      throw new CommandError(
        `No site has the public key or id "${input.site}"; nothing was changed.`,
        2,
      )
    const quota = row.daily_write_quota ?? DEFAULT_DAILY_WRITE_QUOTA
    const changed = input.dailyWrites === undefined ? '' : 'Changed. '
    console.log(`${changed}Site "${row.name}" (${row.public_key}, ${row.id})

  Daily write quota  ${quota.toLocaleString('en-US')} rows per UTC day${row.daily_write_quota === null ? ' (the default)' : ''}
  Used today         ${await usedToday(input.connection, row.id)}`)
  },
}

/**
 * Today's writes, from the worker: the site's ledger counts them (D1 holds only the setting). Needs
 * the site's secret key; without it the line says how to see the count.
 */
async function usedToday(connection: Connection | null, siteId: string): Promise<string> {
  if (!connection)
    return "not shown: set STAMMIS_SECRET_KEY=sk_... (the site's key) to ask the worker"
  const site = await adminRequest<SiteSettings>(connection, 'GET', '/v1/admin/site')
  if (site.id !== siteId)
    throw new CommandError(`STAMMIS_SECRET_KEY belongs to site ${site.id}, not ${siteId}.`, 2)
  return site.quota.used.toLocaleString('en-US')
}

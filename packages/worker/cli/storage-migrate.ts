import type { StorageCounts, StorageMigrateResult } from '@stammis/contract'
import { CommandError, parseOptions } from './args'
import type { Command } from './command'
import { opsRequest, resolveOpsConnection, type OpsConnection } from './ops-api'
import { parseTarget, siteReference, targetOptions } from './site-input'
import { printCounts, verifyCounts, type SiteCounts } from './storage-counts'
import { executeSql, type D1Target } from './wrangler'

const usage = `Usage: stammis storage migrate [--local [--persist-to DIR] | --remote] [--site KEY]
                               [--endpoint URL]

Copies each site's visitor history from the D1 tables it lived in before the ledger into the
site's ledger (its own Durable Object), then prints the rows per table on both sides. Safe to run
again: rows the ledger holds are never copied twice, and a second run only verifies.

Sites are listed from D1 with wrangler; the copying is done by the worker, in steps of at most
10,000 rows (POST /v1/ops/storage/migrate), so the worker must be running and have an OPS_TOKEN.

  --local            the local D1 database and the local worker of \`pnpm dev\` (the default),
                     with its fixed local token
  --persist-to DIR   with --local: the wrangler state folder (default packages/worker/.wrangler/state)
  --remote           the deployed D1 database named in wrangler.jsonc and the deployed worker:
                     needs STAMMIS_ENDPOINT (or --endpoint) and STAMMIS_OPS_TOKEN (the worker's
                     OPS_TOKEN secret)
  --site KEY         one site only, by id (site_...) or public key (pk_...)
  --endpoint URL     the worker (default $STAMMIS_ENDPOINT, else http://127.0.0.1:8787 with --local)

Exit status: 0 copied and verified, 1 a count does not match (the ledger holds fewer rows than
D1), the worker refused or wrangler failed, 2 bad options or no such site.`

type SiteRow = { id: string; name: string; public_key: string }

export type StorageMigrateInput = {
  target: D1Target
  site: string | undefined
  endpoint: string | undefined
}

/**
 * Parses and validates the arguments of `storage migrate`; any problem is a `UsageError`.
 * @example parseStorageMigrateArgs(['--remote', '--site', 'pk_live_shop'])
 */
export function parseStorageMigrateArgs(argv: string[]): StorageMigrateInput {
  const { values } = parseOptions(argv, {
    ...targetOptions,
    site: { type: 'string' },
    endpoint: { type: 'string' },
  })
  return {
    target: parseTarget(values),
    site: values.site === undefined ? undefined : siteReference(values.site),
    endpoint: values.endpoint,
  }
}

/** The sites to migrate, from D1, oldest first. `site` matched the pattern above: safe to inline. */
async function listSites(target: D1Target, site: string | undefined): Promise<SiteRow[]> {
  const where = site
    ? ` WHERE id = '${site}' OR public_key = '${site}' OR previous_public_key = '${site}'`
    : ''
  const [rows] = await executeSql(
    target,
    `SELECT id, name, public_key FROM sites${where} ORDER BY created_at, id;`,
  )
  return (rows ?? []) as SiteRow[]
}

/** Calls the migrate route until the copy is complete; the rows it copied per table. */
async function migrateSite(
  connection: OpsConnection,
  site: SiteRow,
): Promise<{ copied: Record<string, number>; steps: number }> {
  const copied: Record<string, number> = {}
  let cursor: StorageMigrateResult['cursor'] = null
  let steps = 0
  let lastReport = Date.now()
  do {
    const step: StorageMigrateResult = await opsRequest<StorageMigrateResult>(
      connection,
      'POST',
      '/v1/ops/storage/migrate',
      { siteId: site.id, cursor },
    )
    for (const [table, rows] of Object.entries(step.copied))
      copied[table] = (copied[table] ?? 0) + rows
    cursor = step.cursor
    steps++
    if (Date.now() - lastReport >= 2000) {
      lastReport = Date.now()
      console.error(`  ${site.id}: ${describeCopied(copied)} so far (${steps} steps)`)
    }
  } while (cursor)
  return { copied, steps }
}

function describeCopied(copied: Record<string, number>): string {
  const total = Object.values(copied).reduce((sum, rows) => sum + rows, 0)
  const tables = Object.entries(copied)
    .filter(([, rows]) => rows > 0)
    .map(([table, rows]) => `${table} ${rows.toLocaleString('en-US')}`)
  return `${total.toLocaleString('en-US')} rows copied${tables.length > 0 ? ` (${tables.join(', ')})` : ''}`
}

/**
 * `stammis storage migrate`: copy every site's history from D1 into its ledger, then verify.
 * @example await storageMigrate.run(['--remote'])
 */
export const storageMigrate: Command = {
  name: 'storage migrate',
  summary: "copy each site's history from D1 into its ledger and verify the counts",
  usage,
  async run(argv) {
    const input = parseStorageMigrateArgs(argv)
    const connection = resolveOpsConnection(
      { endpoint: input.endpoint },
      process.env,
      input.target.kind,
    )
    const sites = await listSites(input.target, input.site)
    if (sites.length === 0) {
      if (input.site) throw new CommandError(`No site has the id or public key "${input.site}".`, 2)
      console.log('No sites in this database: nothing to migrate.')
      return
    }
    const where = input.target.kind === 'remote' ? 'remote D1' : 'local D1'
    console.log(
      `Migrating ${sites.length} site${sites.length === 1 ? '' : 's'} from ${where} into their ledgers through ${connection.endpoint}.`,
    )
    const results: SiteCounts[] = []
    for (const site of sites) {
      const started = Date.now()
      const { copied, steps } = await migrateSite(connection, site)
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      console.log(
        `  "${site.name}" (${site.public_key}, ${site.id}): ${describeCopied(copied)} in ${steps} step${steps === 1 ? '' : 's'}, ${seconds} s`,
      )
      const counts = await opsRequest<StorageCounts>(
        connection,
        'GET',
        `/v1/ops/storage/counts?siteId=${encodeURIComponent(site.id)}`,
      )
      results.push({ site, counts })
    }
    for (const result of results) printCounts(result)
    const problems = results.flatMap(verifyCounts)
    if (problems.length > 0)
      throw new CommandError(
        `the ledger holds fewer rows than D1 (${problems.join('; ')}); run it again, and if it persists, report it`,
        1,
      )
    console.log(`\nVerified: every site's ledger holds at least the rows D1 holds, table by table.`)
  },
}

import { relative } from 'node:path'
import { generateSiteKeys, hashSecretKey } from '../src/sites/keys'
import { insertSiteSql } from '../src/sites/queries'
import type { Command } from './command'
import { parseSiteCreateArgs, type SiteCreateInput } from './site-input'
import { executeSql, WranglerError, workerDir, type D1Target } from './wrangler'

const usage = `Usage: stammis site create --name NAME --origin ORIGIN [--origin ORIGIN ...]
                             [--currency USD] [--lapse-days 90] [--time-zone UTC]
                             [--local [--persist-to DIR] | --remote]

Creates a site and prints its id, public key and secret key. The secret key is shown once:
only its SHA-256 hash is stored.

  --name NAME        the shop's name, shown in the admin (required)
  --origin ORIGIN    a browser origin allowed to call the worker for this site, e.g.
                     https://shop.example; repeat for more. "*." before the host allows
                     any subdomain, ":*" after it any port (required, at least one)
  --currency CODE    ISO 4217 code of the shop's prices (default USD)
  --lapse-days N     days without a purchase after which a customer counts as lapsed
                     (default 90)
  --time-zone TZ     IANA time zone of the shop (default UTC)
  --local            write to the local D1 database that wrangler dev uses (the default)
  --persist-to DIR   with --local: the wrangler state folder (default packages/worker/.wrangler/state)
  --remote           write to the deployed D1 database named in wrangler.jsonc

Exit status: 0 created, 1 wrangler or the database failed, 2 bad input (nothing written).`

/**
 * `stammis site create`: a new site with fresh keys, written with `wrangler d1 execute`.
 * @example await siteCreate.run(['--name', 'My Shop', '--origin', 'https://shop.example'])
 */
export const siteCreate: Command = {
  name: 'site create',
  summary: 'create a site and print its keys (once)',
  usage,
  async run(argv) {
    const input = parseSiteCreateArgs(argv)
    if (input.isDefaultTarget) {
      console.error(
        'Neither --local nor --remote given: writing to the local database (use --remote for the deployed one).',
      )
    }
    const keys = generateSiteKeys()
    // Everything the generator makes goes into the row except the secret key, which only leaves
    // this process on the screen; its hash is stored instead.
    const { siteId, secretKey, ...storedKeys } = keys
    const sql = insertSiteSql(
      {
        ...storedKeys,
        id: siteId,
        name: input.name,
        secretKeyHash: await hashSecretKey(secretKey),
        allowedOrigins: input.allowedOrigins,
        currency: input.currency,
        lapseDays: input.lapseDays,
        timeZone: input.timeZone,
      },
      Date.now(),
    )
    try {
      await executeSql(input.target, sql)
    } catch (error) {
      if (error instanceof WranglerError && /no such table: sites/.test(error.message)) {
        throw new Error(
          `${error.message}\nThe database has no schema yet. Apply the migrations first (from packages/worker):\n  ${migrateCommand(input.target)}`,
          { cause: error },
        )
      }
      throw error
    }
    console.log(report(input, keys))
  },
}

function report(input: SiteCreateInput, keys: ReturnType<typeof generateSiteKeys>): string {
  return `Created site "${input.name}" in ${describeTarget(input.target)}.

  Site id      ${keys.siteId}
  Public key   ${keys.publicKey}
  Secret key   ${keys.secretKey}

WARNING: the secret key is shown only this once. Stammis stores only its hash, so it cannot be
recovered: save it now in your password manager or secret store. It authorises the admin API
(Authorization: Bearer sk_...) and must never appear in a web page.

Allowed origins  ${input.allowedOrigins.join(', ')}
Currency         ${input.currency}
Lapse window     ${input.lapseDays} days
Time zone        ${input.timeZone}

Add the script tag to every page of the shop (YOUR-WORKER: the worker's host name):

  <script async src="https://YOUR-WORKER/s.js" data-site="${keys.publicKey}"></script>`
}

function describeTarget(target: D1Target): string {
  if (target.kind === 'remote') return 'the deployed D1 database (wrangler.jsonc)'
  const folder = target.persistTo ?? relative(process.cwd(), `${workerDir}/.wrangler/state`)
  return `the local D1 database (state in ${folder})`
}

function migrateCommand(target: D1Target): string {
  if (target.kind === 'remote') return 'wrangler d1 migrations apply DB --remote'
  return `wrangler d1 migrations apply DB --local${target.persistTo ? ` --persist-to ${target.persistTo}` : ''}`
}

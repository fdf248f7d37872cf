import { generatePublicKey, generateSecretKey, hashSecretKey } from '../src/sites/keys'
import {
  PUBLIC_KEY_GRACE_DAYS,
  rotatePublicKeySql,
  rotateSecretKeySql,
} from '../src/sites/rotation'
import { deleteSiteSessionsSql } from '../src/sessions/queries'
import { CommandError, parseOptions, required, UsageError } from './args'
import type { Command } from './command'
import { confirm } from './confirm'
import { parseTarget, targetOptions } from './site-input'
import { executeSql, type D1Target } from './wrangler'

const usage = `Usage: stammis site rotate --site SITE [--public-key] [--yes]
                             [--local [--persist-to DIR] | --remote]

Rotates a site's secret key, or with --public-key its public key, writing to the D1 database with
wrangler: it needs no key of the site, so it also works when the secret key is lost.

Secret key (the default): the new key is printed once (only its SHA-256 is stored); the old key
and every admin session of the site stop working at once. Put the new key wherever the old one
was (your shop's server, STAMMIS_SECRET_KEY) right after. Offer codes already handed out and the
webhook secret are not affected. With the secret key, POST /v1/admin/site/rotate-secret does the same.

Public key (--public-key): a new key for the script tag; the old one keeps working for
${PUBLIC_KEY_GRACE_DAYS} days, so cached pages keep working. Update the script tag (and the order
webhook URL, which names the key) within that time. Rotating again within it ends the older key
at once. With the secret key, POST /v1/admin/site/rotate-public-key does the same.

  --site SITE        the site's id (site_...) or its current public key (pk_...) (required)
  --public-key       rotate the public key instead of the secret key
  --yes              rotate without asking (needed when stdin is not a terminal, e.g. in CI)
  --local            the local D1 database that wrangler dev uses (the default)
  --persist-to DIR   with --local: the wrangler state folder (default packages/worker/.wrangler/state)
  --remote           the deployed D1 database named in wrangler.jsonc

Exit status: 0 rotated, 1 not confirmed or wrangler failed, 2 bad input or no such site
(nothing changed).`

type SiteRef = { id: string; name: string; public_key: string }

/**
 * `stammis site rotate`: a new secret key (old key and sessions end at once) or public key (the
 * old one has a grace period), written with `wrangler d1 execute`.
 * @example await siteRotate.run(['--site', 'site_abc', '--yes', '--remote'])
 */
export const siteRotate: Command = {
  name: 'site rotate',
  summary: "rotate a site's secret key (or --public-key) and print the new one (once)",
  usage,
  async run(argv) {
    const { values } = parseOptions(argv, {
      site: { type: 'string' },
      'public-key': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      ...targetOptions,
    })
    const target = parseTarget(values)
    const ref = required(
      values.site,
      '--site (the site id, site_..., or its public key, pk_...)',
    ).trim()
    if (!/^(site|pk)_[A-Za-z0-9]+$/.test(ref))
      throw new UsageError(
        `--site must be a site id (site_...) or a public key (pk_...), got "${ref}"`,
      )
    const site = await findSite(target, ref)
    const isPublic = values['public-key']
    const what = isPublic
      ? `the public key of "${site.name}" (${site.id})? The old key keeps working for ${PUBLIC_KEY_GRACE_DAYS} days.`
      : `the secret key of "${site.name}" (${site.id})? The old key and every admin session stop working at once.`
    if (
      !values.yes &&
      !(await confirm(
        `Rotate ${what} [y/N] `,
        'not rotated: stdin is not a terminal, so there is no one to confirm; pass --yes to rotate',
      ))
    ) {
      throw new CommandError('not rotated', 1)
    }
    console.log(isPublic ? await rotatePublic(target, site) : await rotateSecret(target, site))
  },
}

async function findSite(target: D1Target, ref: string): Promise<SiteRef> {
  // `ref` matched /^(site|pk)_[A-Za-z0-9]+$/, so it is safe to inline.
  const [rows] = await executeSql(
    target,
    `SELECT id, name, public_key FROM sites WHERE id = '${ref}' OR public_key = '${ref}';`,
  )
  const site = rows?.[0] as SiteRef | undefined
  if (!site)
    throw new CommandError(
      `no site has the id or public key "${ref}" in this database; nothing was changed`,
      2,
    )
  return site
}

async function rotateSecret(target: D1Target, site: SiteRef): Promise<string> {
  const secretKey = generateSecretKey()
  // One wrangler call, key first: should the session purge fail after it, the old key is already
  // refused and the command exits 1, so it can simply be run again.
  await executeSql(
    target,
    `${rotateSecretKeySql(site.id, await hashSecretKey(secretKey))}\n${deleteSiteSessionsSql(site.id)}`,
  )
  return `Rotated the secret key of "${site.name}" (${site.id}).

  Secret key   ${secretKey}

The old secret key and every admin session of the site no longer work. This key is shown only
this once (only its hash is stored): save it now, and put it wherever the old one was (your shop's
server, STAMMIS_SECRET_KEY). Everyone signed in to the admin must sign in again with it.`
}

async function rotatePublic(target: D1Target, site: SiteRef): Promise<string> {
  const [rows] = await executeSql(
    target,
    rotatePublicKeySql(site.id, generatePublicKey(), Date.now()),
  )
  const row = rows?.[0] as
    | { public_key: string; previous_public_key: string; previous_public_key_expires_at: number }
    | undefined
  if (!row)
    throw new CommandError(
      `the site ${site.id} disappeared before its key could be rotated; nothing was changed`,
      1,
    )
  return `Rotated the public key of "${site.name}" (${site.id}).

  Public key   ${row.public_key}
  Old key      ${row.previous_public_key} (works until ${new Date(row.previous_public_key_expires_at).toISOString()})

Replace the script tag on every page of the shop before then:

  <script async src="https://YOUR-WORKER/s.js" data-site="${row.public_key}"></script>

and the order webhook URL, if you use it: /v1/webhooks/${row.public_key}/orders`
}

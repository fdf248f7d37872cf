import type { IdentitySecret, SiteSettings } from '@stammis/contract'
import { adminRequest, connectionOptions, connectionUsage, resolveConnection } from './admin-api'
import { CommandError, parseOptions } from './args'
import type { Command } from './command'

const usage = `Usage: stammis site identity-secret [--rotate] [--endpoint URL] [--key sk_...] [--user NAME]

Creates the site's identity secret and prints it once: keep it on your shop's server (an
environment variable, a secret store), never in a page. With it your server signs the id of
each signed-in customer, and only a signed identify links a browser to that customer's history:

  signature = lowercase hex HMAC-SHA256(identity secret, customer id)
  stammis.identify(customerId, { signature })

Node, PHP and Shopify (Liquid) snippets are in docs/security.md ("Verified identity").

  --rotate           replace the site's existing secret. Identifies signed with the old one
                     count as unsigned (recorded, never merged) until your server signs with
                     the new one, so deploy it right away.
${connectionUsage}

Exit status: 0 created, 1 the worker could not be reached or refused the key, 2 bad input, or
the site already has a secret and --rotate was not given (nothing changed).`

/**
 * `stammis site identity-secret`: the site's identity secret from the admin API, printed once.
 * @example await siteIdentitySecret.run(['--rotate']) // with STAMMIS_SECRET_KEY set
 */
export const siteIdentitySecret: Command = {
  name: 'site identity-secret',
  summary: 'create the secret your server signs customer ids with (printed once)',
  usage,
  async run(argv) {
    const { values } = parseOptions(argv, {
      ...connectionOptions,
      rotate: { type: 'boolean', default: false },
    })
    const connection = resolveConnection(values, process.env)
    const site = await adminRequest<SiteSettings>(connection, 'GET', '/v1/admin/site')
    if (site.hasIdentitySecret && !values.rotate) {
      throw new CommandError(
        `"${site.name}" already has an identity secret; nothing was changed. To replace it, run again with --rotate ` +
          '(identifies signed with the old one then count as unsigned until your server uses the new one).',
        2,
      )
    }
    const { identitySecret } = await adminRequest<IdentitySecret>(
      connection,
      'POST',
      '/v1/admin/site/identity-secret',
    )
    console.log(`${site.hasIdentitySecret ? 'New identity secret' : 'Identity secret'} for "${site.name}" (shown only this once; keep it on your server, never in a page):

  Identity secret  ${identitySecret}

Sign each signed-in customer's id on your server and pass the signature to identify:
  signature = lowercase hex HMAC-SHA256(identity secret, customer id)
  stammis.identify(customerId, { signature })
Node:    crypto.createHmac('sha256', secret).update(customerId).digest('hex')
PHP:     hash_hmac('sha256', $customerId, $secret)
Shopify: {{ customer.id | hmac_sha256: settings.stammis_identity_secret }}${site.hasIdentitySecret ? '\n\nThe old secret no longer verifies anything: deploy this one now.' : ''}`)
  },
}

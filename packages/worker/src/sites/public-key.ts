import { ApiError } from '../errors'

/**
 * Checks the `site` field of a browser call before the rest of the body is validated, so a
 * missing or secret key gets a 401 that says so rather than a generic validation error.
 */
export function assertPublicKeyField(body: unknown): void {
  const site =
    typeof body === 'object' && body !== null ? (body as { site?: unknown }).site : undefined
  if (typeof site !== 'string' || site === '') {
    throw new ApiError('missing_site_key', 'Name your site: add "site": "pk_..." to the body.')
  }
  if (site.startsWith('sk_')) {
    throw new ApiError(
      'secret_key_in_browser_call',
      'That is a secret key: never put it in a page. Use the public key (pk_...) here, and rotate the secret key.',
    )
  }
}

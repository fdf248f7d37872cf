import type { PreviewLink, PreviewLinkRequest } from '@stammis/contract'
import type { Site } from '../sites/site'
import { signPreviewToken } from '../decide/preview-token'

/** The query parameter the SDK reads a preview token from. */
export const PREVIEW_PARAM = 'stammis_preview'

/**
 * A shareable link that opens the real shop as a forced segment: signed, expiring, and never
 * counted (the SDK sends no events in preview, and decide records no exposure).
 * @example await createPreviewLink(site, { segment: 'repeat', lapsed: false, url: 'https://shop.example/', ttlMinutes: 60 }, Date.now())
 */
export async function createPreviewLink(
  site: Site,
  request: PreviewLinkRequest,
  now: number,
): Promise<PreviewLink> {
  const expiresAt = now + request.ttlMinutes * 60_000
  const token = await signPreviewToken(site.codeSecret, {
    siteId: site.id,
    segment: request.segment,
    lapsed: request.lapsed,
    expiresAt,
  })
  const url = new URL(request.url)
  url.searchParams.set(PREVIEW_PARAM, token)
  return { url: url.toString(), token, expiresAt: new Date(expiresAt).toISOString() }
}

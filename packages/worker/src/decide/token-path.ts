import type { DecideRequest } from '@stammis/contract'
import { profileFromToken } from '../profile-token/derive'
import { verifyProfileToken } from '../profile-token/token'
import { recentSiteEntry } from '../sites/recent-entries'
import type { DecideContext } from './queries'

/**
 * The decide context from the request's profile token and this isolate's recent site entry, with
 * no storage read; null when decide must read storage: no token, a preview, no entry for the site
 * read within `SITE_ENTRY_MAX_AGE_MS`, or a token that does not verify for this visitor under the
 * site's current profile epoch and age bound (`verifyProfileToken`). A refused token is never
 * partly trusted: nothing of it is read.
 * @example const context = (await decideContextFromToken(request, now)) ?? (await loadDecideContext(...))
 */
export async function decideContextFromToken(
  request: DecideRequest,
  now: number,
): Promise<DecideContext | null> {
  if (!request.profileToken || request.preview) return null
  const entry = recentSiteEntry(request.site, now)
  if (!entry) return null
  const checked = await verifyProfileToken({
    codeSecret: entry.site.codeSecret,
    visitorId: request.visitorId,
    token: request.profileToken,
    epoch: entry.site.profileEpoch,
    now,
  })
  if ('error' in checked) return null
  return {
    site: entry.site,
    state: await profileFromToken(checked.claims, request.visitorId, request.visitId),
    rulesVersion: entry.rulesVersion,
    // Only unique codes read these, and a token decide that chooses one reads storage instead.
    firstExposedAt: {},
    quota: entry.quota,
  }
}

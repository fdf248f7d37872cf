import type { DecideRequest } from '@stammis/contract'
import { recentLedgerRead } from '../ledger/recent-reads'
import type { DecideContext } from '../ledger/types'
import { profileFromToken } from '../profile-token/derive'
import { verifyProfileToken } from '../profile-token/token'
import type { Site } from '../sites/site'

/**
 * The decide context from the request's profile token, with no storage call; null when decide
 * must call the site's ledger: no token, a preview, no ledger read of the site in this isolate
 * within `LEDGER_READ_MAX_AGE_MS` (the live rules version and quota come from it), or a token that
 * does not verify for this visitor under the site's current profile epoch and age bound
 * (`verifyProfileToken`). A refused token is never partly trusted: nothing of it is read.
 * @example const context = (await decideContextFromToken(site, request, now)) ?? (await ledger.decideContext(...))
 */
export async function decideContextFromToken(
  site: Site,
  request: Pick<DecideRequest, 'visitorId' | 'visitId'> & {
    profileToken?: string | undefined
    preview?: string | undefined
  },
  now: number,
): Promise<DecideContext | null> {
  if (!request.profileToken || request.preview) return null
  const read = recentLedgerRead(site.id, now)
  if (!read) return null
  const checked = await verifyProfileToken({
    codeSecret: site.codeSecret,
    visitorId: request.visitorId,
    token: request.profileToken,
    epoch: site.profileEpoch,
    now,
  })
  if ('error' in checked) return null
  return {
    state: await profileFromToken(checked.claims, request.visitorId, request.visitId),
    rulesVersion: read.rulesVersion,
    // Only unique codes read these, and a token decide that chooses one calls the ledger instead.
    firstExposedAt: {},
    quota: read.quota,
    // The token carries no purchase days: a decide whose rules read them calls the ledger.
    predictionInputs: null,
  }
}

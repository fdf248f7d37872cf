import type { DecideRequest } from '@stammis/contract'
import { fromBase64url } from '../lib/crypto'
import { profileFromToken } from '../profile-token/derive'
import type { ProfileTokenClaims } from '../profile-token/token'
import { recentSiteEntry } from '../sites/recent-entries'
import type { DecideContext } from './queries'

/**
 * The decide context from the request's profile token and this isolate's recent site entry,
 * without any storage read; null when decide must read storage.
 */
export async function decideContextFromToken(
  request: DecideRequest,
  now: number,
): Promise<DecideContext | null> {
  if (!request.profileToken || request.preview) return null
  const entry = recentSiteEntry(request.site, now)
  if (!entry) return null
  // FIRST DRAFT: reads the payload as it comes.
  const fields = JSON.parse(
    new TextDecoder().decode(fromBase64url(request.profileToken.split('.')[0]!)),
  ) as number[]
  const claims: ProfileTokenClaims = {
    version: 1,
    visitTag: String(fields[1]),
    state: {
      visits: fields[3]!,
      orders: fields[4]!,
      purchaseVisits: fields[5]!,
      revenueMicros: fields[6]!,
      lastPurchaseAt: fields[7] === -1 ? null : fields[7]!,
      verifiedPurchaseVisits: fields[8]!,
      verifiedOrders: fields[9]!,
      verifiedRevenueMicros: fields[10]!,
      verifiedLastPurchaseAt: fields[11] === -1 ? null : fields[11]!,
      currentVisitHasPurchase: (fields[2]! & 1) === 0 ? null : (fields[2]! & 2) !== 0,
      currentVisitHasVerifiedPurchase: (fields[2]! & 4) !== 0,
    },
    identity: fields[12] === 2 ? 'customer' : 'anonymous',
    issuedAt: fields[13]! * 1000,
    epoch: fields[14]!,
  }
  return {
    site: entry.site,
    state: await profileFromToken(claims, request.visitorId, request.visitId),
    rulesVersion: entry.rulesVersion,
    firstExposedAt: {},
    quota: entry.quota,
  }
}

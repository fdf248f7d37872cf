import { CUSTOMER_PERSON_PREFIX } from '../identity/customer-key'
import type { VisitorState } from '../segments/classify'
import { visitTag, type ProfileTokenClaims } from './token'

/**
 * The person id a token-derived state carries for a verified customer: a customer's person, key
 * unknown (the token has no room for it). The only reader of a customer's key on the decide path
 * is unique-code derivation, and decide reads storage whenever a unique code is chosen.
 */
export const TOKEN_CUSTOMER_PERSON = CUSTOMER_PERSON_PREFIX

/**
 * The visitor's state as storage would give it for the request's visit, from a verified token
 * alone, in the shape `loadDecideContext` builds (so `toProfile`, `toVerifiedProfile` and the
 * engine cannot tell the two apart). In the visit the token was issued in, the token's visit flags
 * hold: a purchase there does not count yet. In any other visit, that visit is a new one starting
 * now (`currentVisitHasPurchase: null`: it counts in `visits`), and every purchase the token knows,
 * its own visit's included, is an earlier one.
 * @example const state = await profileFromToken(claims, request.visitorId, request.visitId)
 */
export async function profileFromToken(
  claims: ProfileTokenClaims,
  visitorId: string,
  visitId: string,
): Promise<VisitorState> {
  const personId =
    claims.identity === 'new'
      ? null
      : claims.identity === 'anonymous'
        ? visitorId
        : TOKEN_CUSTOMER_PERSON
  if ((await visitTag(visitId)) === claims.visitTag) return { ...claims.state, personId }
  return {
    ...claims.state,
    personId,
    currentVisitHasPurchase: null,
    currentVisitHasVerifiedPurchase: false,
  }
}

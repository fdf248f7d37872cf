import { randomBase64url } from '../lib/crypto'
import { MINUTE_MS } from '../lib/days'

// The visitor, visit and profile token the edge reads from first-party cookies and writes back,
// in the SDK's formats (packages/sdk/README.md "Edge mode"): `stm_v` the visitor id, `stm_s`
// `<visit id>[.<last activity ms>]`, `stm_p` the signed profile token. Every value is checked
// against a strict pattern before use: a cookie is the visitor's to write, and anything else is
// ignored (never reflected into a header).

export const VISITOR_COOKIE = 'stm_v'
export const VISIT_COOKIE = 'stm_s'
export const TOKEN_COOKIE = 'stm_p'
/** As the SDK: a visit ends after 30 minutes without activity. */
export const VISIT_IDLE_MS = 30 * MINUTE_MS
/** As the SDK: the visitor id and token cookies last about a year (3e7 s). */
export const COOKIE_MAX_AGE_S = 30_000_000
/** The most of a Cookie header the edge reads (browsers send at most a few KB per site). */
export const MAX_COOKIE_HEADER = 8192

const ID = /^[A-Za-z0-9_-]{1,64}$/
const VISIT = /^([A-Za-z0-9_-]{1,64})(?:\.([0-9]{1,15}))?$/
const TOKEN = /^[A-Za-z0-9_-]{1,480}\.[A-Za-z0-9_-]{1,30}$/

export type EdgeIdentity = {
  visitorId: string
  visitId: string
  profileToken: string | undefined
  isNewVisitor: boolean
  isNewVisit: boolean
}

/**
 * Reads one cookie's value: the first occurrence of the name, only from the first
 * `MAX_COOKIE_HEADER` characters.
 * @example readCookie('a=1; stm_v=abc', 'stm_v') // 'abc'
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.slice(0, MAX_COOKIE_HEADER).split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/**
 * The request's visitor and visit: the cookies' when valid, else new ones. A visit goes on while
 * its cookie is bare (the edge started it and no page has run since) or its last activity is
 * within 30 minutes.
 * @example const identity = edgeIdentity(request.headers.get('cookie'), Date.now())
 */
export function edgeIdentity(cookieHeader: string | null, now: number): EdgeIdentity {
  const visitorCookie = readCookie(cookieHeader, VISITOR_COOKIE)
  const visit = VISIT.exec(readCookie(cookieHeader, VISIT_COOKIE) ?? '')
  const token = readCookie(cookieHeader, TOKEN_COOKIE)
  const isNewVisitor = !visitorCookie || !ID.test(visitorCookie)
  const lastActivity = visit?.[2] === undefined ? undefined : Number(visit[2])
  const isNewVisit =
    isNewVisitor || !visit || (lastActivity !== undefined && now - lastActivity > VISIT_IDLE_MS)
  return {
    visitorId: isNewVisitor ? newId() : visitorCookie,
    visitId: isNewVisit ? newId() : visit[1]!,
    // A token travels with the visitor id it was issued for: a new visitor has none.
    profileToken: !isNewVisitor && token && TOKEN.test(token) ? token : undefined,
    isNewVisitor,
    isNewVisit,
  }
}

/**
 * The Set-Cookie values for what the edge started: a new visitor id (a year), a new visit (bare
 * `<visit id>`, a session cookie, which the SDK takes for the visit its page begins) and a fresh
 * profile token (a year; not the one the browser sent). Only values the edge made or checked ever
 * get here.
 * @example identityCookies(identity, { isSecure: true, profileToken })
 */
export function identityCookies(
  identity: EdgeIdentity,
  options: { isSecure: boolean; profileToken?: string | undefined },
): string[] {
  const attributes = `; Path=/; SameSite=Lax${options.isSecure ? '; Secure' : ''}`
  const cookies: string[] = []
  if (identity.isNewVisitor)
    cookies.push(
      `${VISITOR_COOKIE}=${identity.visitorId}; Max-Age=${COOKIE_MAX_AGE_S}${attributes}`,
    )
  if (identity.isNewVisit) cookies.push(`${VISIT_COOKIE}=${identity.visitId}${attributes}`)
  // A token the browser already holds (the page was decided from it) is not set again.
  const isNewToken = options.profileToken && options.profileToken !== identity.profileToken
  const token = isNewToken && tokenCookie(options.profileToken!, options.isSecure)
  if (token) cookies.push(token)
  return cookies
}

/**
 * The Set-Cookie value of a profile token (a year), or null for a value that is not a token.
 * @example tokenCookie(answer.profileToken, true) // 'stm_p=...; Max-Age=30000000; Path=/; SameSite=Lax; Secure'
 */
export function tokenCookie(profileToken: string, isSecure: boolean): string | null {
  if (!TOKEN.test(profileToken)) return null
  return `${TOKEN_COOKIE}=${profileToken}; Max-Age=${COOKIE_MAX_AGE_S}; Path=/; SameSite=Lax${isSecure ? '; Secure' : ''}`
}

/** 128 random bits as base64url (22 characters): a valid id for the contract's IdSchema. */
function newId(): string {
  return randomBase64url(16)
}

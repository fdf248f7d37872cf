import type { BotEventsResponse, DecideResponse, Decision } from '@stammis/contract'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { localDay } from '../lib/time-zone'
import { ledgerFor, type BotRequestKind } from '../ledger/client'
import { EMPTY_VISITOR, toProfile } from '../segments/classify'
import type { Site } from '../sites/site'

/**
 * The answer to an events batch from a bot (see `isBot`): 202, nothing stored, the filtered
 * request counted after the response. The profile is a first-time visitor's, so the script on
 * the page carries on as usual.
 * @example if (isBot(c.req.raw)) return answerBotEvents(c, site, request)
 */
export function answerBotEvents(
  c: Context<AppEnv>,
  site: Site,
  request: { visitorId: string; events: unknown[] },
): Response {
  const now = Date.now()
  countLater(c, site, 'events', now)
  const profile = toProfile(request.visitorId, EMPTY_VISITOR, now, site.lapseDays)
  return c.json(
    {
      accepted: 0,
      duplicates: 0,
      ignored: request.events.length,
      reason: 'bot',
      profile,
    } satisfies BotEventsResponse,
    202,
  )
}

/**
 * The answer to a decide call from a bot: the page's default content in every slot (all
 * decisions null), a first-time visitor's profile, no exposure recorded, and no code issued.
 * @example if (isBot(c.req.raw)) return answerBotDecide(c, site, request)
 */
export function answerBotDecide(
  c: Context<AppEnv>,
  site: Site,
  request: { visitorId: string; slots: string[] },
): Response {
  const now = Date.now()
  countLater(c, site, 'decides', now)
  const decisions: Record<string, Decision | null> = Object.fromEntries(
    request.slots.map((slot) => [slot, null]),
  )
  return c.json({
    profile: toProfile(request.visitorId, EMPTY_VISITOR, now, site.lapseDays),
    decisions,
  } satisfies DecideResponse)
}

// After the response: the count is for the dashboard and must never slow or fail the page.
function countLater(c: Context<AppEnv>, site: Site, kind: BotRequestKind, now: number): void {
  c.executionCtx.waitUntil(
    ledgerFor(c.env, site.id)
      .countBotRequest(localDay(now, site.timeZone), kind)
      .catch((error: unknown) => {
        console.error('counting a bot request failed', error)
      }),
  )
}

import type { BotEventsResponse, EventsResponse } from '@stammis/contract'
import type { Batch, EventInput } from './types'
import { L, read, resolved, rid, write } from './util'

const Q = 'stm_q'
const PURCHASE = 'purchase'

/** What `POST /v1/events` answers: stored (200), or from a bot, nothing stored (202). */
export type EventsAnswer = EventsResponse | BotEventsResponse

/**
 * POSTs a JSON body as text/plain (a CORS "simple" request: no preflight). Resolves with the
 * parsed answer on 2xx (typed `T`: the contract's answer of that route), with null on 4xx (the
 * body is invalid and never will be valid), and rejects on network errors and 5xx (worth retrying).
 */
export const post = <T>(url: string, body: unknown, signal?: AbortSignal): Promise<T | null> =>
  fetch(url, { method: 'POST', body: JSON.stringify(body), keepalive: true, signal }).then((r) =>
    r.ok ? r.json() : r.status < 500 ? null : Promise.reject(),
  )

/**
 * The outbox: events are written to localStorage *before* they are sent and removed only once the
 * worker answered, so a failed or interrupted send is retried on the next page with the same
 * event ids (the worker's dedupe makes that safe). Batches go out one at a time, in order.
 * @example const t = transport('https://w.example/v1/events', () => true, onAnswer)
 *   t.add({ site, visitorId, visitId }, { type: 'pageview', url: location.href }); t.flush()
 */
export const transport = (
  url: string,
  isAllowed: () => boolean,
  onAnswer: (batch: Batch, answer: EventsAnswer) => void,
) => {
  let box: Batch[] = []
  try {
    box = JSON.parse(read(L, Q)!) || []
  } catch {}
  let sending: Batch | 0 = 0
  let busy: Promise<void> | 0 = 0

  // Bounded so a long outage cannot fill the host's storage.
  const save = () => {
    isAllowed() && write(L, Q, box[0] ? JSON.stringify((box = box.slice(-30))) : undefined)
  }

  const flush = (): Promise<void> => {
    const b = box[0]
    // Also stores what waited in memory (consent just granted, a preview token refused), and
    // after each answer what is left.
    save()
    return (
      busy ||
      (b && isAllowed()
        ? (busy = post<EventsAnswer>(url, (sending = b)).then(
            (answer) => {
              box = box.filter((x) => x != b)
              busy = sending = 0
              answer && onAnswer(b, answer)
              return flush()
            },
            () => {
              busy = sending = 0
            },
          ))
        : resolved)
    )
  }

  return {
    /** Appends an event to the last open batch of the same visit; purchases travel alone. */
    add_: (head: Omit<Batch, 'events'>, e: EventInput) => {
      let b = box[box.length - 1]
      if (
        !b ||
        b == sending ||
        b.visitId != head.visitId ||
        b.events.length > 49 ||
        e.type == PURCHASE ||
        b.events[0]!.type == PURCHASE
      )
        box.push((b = { ...head, events: [] }))
      b.events.push({ id: rid(), ...e } as Batch['events'][number])
      save()
    },
    flush_: flush,
    /** On page hide: hand every waiting batch to sendBeacon. They stay in the outbox for the next page. */
    beacon_: () => {
      isAllowed() &&
        box.forEach((b) => b != sending && navigator.sendBeacon(url, JSON.stringify(b)))
    },
    clear_: () => {
      box = []
      write(L, Q)
    },
  }
}

export type Transport = ReturnType<typeof transport>

import type { Profile, StammisEvent } from '@stammis/contract'
import cases from '../src/segments/cases.json'

type CaseEvent = Partial<StammisEvent> & { type: StammisEvent['type']; id?: string }
export type HistoryStep = { visit: string; events: CaseEvent[] } | { decide: string }
export type StepExpectation = Partial<Profile> & { accepted?: number; duplicates?: number }
export type HistoryCase = [name: string, steps: HistoryStep[], expected: StepExpectation[]]

export const classifyCases = cases.classify as [
  string,
  { purchaseVisits: number },
  Profile['segment'],
][]
export const lapsedCases = cases.lapsed as [
  string,
  { lastPurchaseDaysAgo: number | null; lapseDays: number },
  boolean,
][]
export const historyCases = cases.histories as unknown as HistoryCase[]

/**
 * Gives every event of a history a concrete id and currency: ids the case names are kept (so a
 * case can resend an event), the others are unique per step and event.
 */
export function completeEvents(steps: HistoryStep[]): HistoryStep[] {
  return steps.map((step, stepIndex) =>
    'decide' in step
      ? step
      : {
          visit: step.visit,
          events: step.events.map((event, eventIndex) => ({
            ...(event.type === 'purchase' ? { currency: 'USD' } : {}),
            ...event,
            id: event.id ?? `step${stepIndex}-event${eventIndex}`,
          })),
        },
  )
}

import type { DisplayStatus, Rule } from '@stammis/contract'

export type { DisplayStatus }

/**
 * The status a marketer sees: a live rule is "scheduled" before its start and "ended" after its end.
 * @example displayStatus({ ...rule, status: 'live', startsAt: '2030-01-01T00:00:00Z' }, Date.now()) // 'scheduled'
 */
export function displayStatus(
  rule: Pick<Rule, 'status' | 'startsAt' | 'endsAt'>,
  now: number,
): DisplayStatus {
  if (rule.status !== 'live') return rule.status
  if (rule.startsAt && now < Date.parse(rule.startsAt)) return 'scheduled'
  if (rule.endsAt && now >= Date.parse(rule.endsAt)) return 'ended'
  return 'live'
}

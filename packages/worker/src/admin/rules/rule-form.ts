import { RuleSchema, RulesetInputSchema, type Rule } from '@stammis/contract'
import type { z } from 'zod'
import { isoToZoned, zonedToIso } from '../shell/time'

/**
 * The editor form as submitted: one string per field, named by the field's path in the rule
 * (`when.minOrders`, `offer.uniqueCodes.prefix`), so a zod issue's path names its input.
 */
export type RuleForm = { values: Record<string, string>; segments: string[] }
/** Messages by field name; `''` holds the ones that belong to no single field. */
export type FieldErrors = Record<string, string[]>

/** Every input of the editor, by name. Issues on other paths are shown above the form. */
export const RULE_FIELDS = [
  'id',
  'slot',
  'priority',
  'status',
  'when.segments',
  'when.lapsed',
  'when.minOrders',
  'when.maxOrders',
  'when.minRevenue',
  'when.maxRevenue',
  'when.minVisits',
  'when.urlPattern',
  'when.referrerPattern',
  'when.pAlive.min',
  'when.pAlive.max',
  'when.predictedClv.min',
  'when.predictedClv.max',
  'when.clvPercentile.min',
  'when.clvPercentile.max',
  'when.daysSinceLastPurchase.min',
  'when.daysSinceLastPurchase.max',
  'when.dueForReorder',
  'content.type',
  'content.value',
  'offer.kind',
  'offer.value',
  'offer.code',
  'offer.uniqueCodes',
  'offer.uniqueCodes.prefix',
  'offer.uniqueCodes.validDays',
  'offer.expiresAt',
  'offer.requiresVerified',
  'holdoutPercent',
  'startsAt',
  'endsAt',
] as const

// Issues zod reports on a whole object are shown next to the input that decides it.
const FIELD_ALIASES: Record<string, string> = {
  content: 'content.type',
  offer: 'offer.kind',
  'when.pAlive': 'when.pAlive.min',
  'when.predictedClv': 'when.predictedClv.min',
  'when.clvPercentile': 'when.clvPercentile.min',
  'when.daysSinceLastPurchase': 'when.daysSinceLastPurchase.min',
}

/** The prediction conditions with a min and a max field. */
const PREDICTION_RANGES = [
  'pAlive',
  'predictedClv',
  'clvPercentile',
  'daysSinceLastPurchase',
] as const

/**
 * Reads the editor's fields from a submitted form.
 * @example const form = readRuleForm(await c.req.formData())
 */
export function readRuleForm(data: FormData): RuleForm {
  const values: Record<string, string> = {}
  for (const name of RULE_FIELDS) {
    const value = data.get(name)
    if (typeof value === 'string') values[name] = value
  }
  const segments = data
    .getAll('when.segments')
    .filter((value): value is string => typeof value === 'string')
  return { values, segments }
}

/**
 * A rule as the editor's fields, times as wall-clock in the shop's zone.
 * @example ruleToForm(rule, site.timeZone).values['when.minOrders'] // '2'
 */
export function ruleToForm(rule: Rule, timeZone: string): RuleForm {
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value))
  const content = rule.content ?? null
  const offer = rule.offer
  return {
    segments: [...(rule.when.segments ?? [])],
    values: {
      id: rule.id,
      slot: rule.slot,
      priority: text(rule.priority),
      status: rule.status,
      'when.lapsed': text(rule.when.lapsed),
      'when.minOrders': text(rule.when.minOrders),
      'when.maxOrders': text(rule.when.maxOrders),
      'when.minRevenue': text(rule.when.minRevenue),
      'when.maxRevenue': text(rule.when.maxRevenue),
      'when.minVisits': text(rule.when.minVisits),
      'when.urlPattern': text(rule.when.urlPattern),
      'when.referrerPattern': text(rule.when.referrerPattern),
      ...Object.fromEntries(
        PREDICTION_RANGES.flatMap((name) => [
          [`when.${name}.min`, text(rule.when[name]?.min)],
          [`when.${name}.max`, text(rule.when[name]?.max)],
        ]),
      ),
      'when.dueForReorder': rule.when.dueForReorder ? 'true' : '',
      'content.type': content?.type ?? '',
      'content.value': !content
        ? ''
        : content.type === 'json'
          ? JSON.stringify(content.value, null, 2)
          : content.value,
      'offer.kind': offer?.kind ?? '',
      'offer.value': text(offer?.value),
      'offer.code': text(offer?.code),
      'offer.uniqueCodes': offer?.uniqueCodes ? 'on' : '',
      'offer.uniqueCodes.prefix': text(offer?.uniqueCodes?.prefix),
      'offer.uniqueCodes.validDays': text(offer?.uniqueCodes?.validDays),
      'offer.expiresAt': isoToZoned(offer?.expiresAt, timeZone),
      'offer.requiresVerified': text(offer?.requiresVerified),
      holdoutPercent: text(rule.holdoutPercent),
      startsAt: isoToZoned(rule.startsAt, timeZone),
      endsAt: isoToZoned(rule.endsAt, timeZone),
    },
  }
}

/** Drops undefined keys, so the stored rule holds only what was filled in. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}

/**
 * The form as the object the rule schema validates. Nothing is checked here: a number field that
 * is not a number stays a string so the schema reports it on that field.
 */
export function formToInput(
  form: RuleForm,
  timeZone: string,
): { input: Record<string, unknown>; errors: FieldErrors } {
  const raw = (name: string) => form.values[name] ?? ''
  const text = (name: string) => raw(name).trim() || undefined
  const number = (name: string) => {
    const value = text(name)
    if (value === undefined) return undefined
    const parsed = Number(value)
    return Number.isFinite(parsed) ? parsed : value
  }
  const time = (name: string) => {
    const value = text(name)
    return value === undefined ? undefined : (zonedToIso(value, timeZone) ?? value)
  }
  const errors: FieldErrors = {}

  const lapsed = text('when.lapsed')
  const when = compact({
    segments: form.segments.length > 0 ? form.segments : undefined,
    lapsed: lapsed === undefined ? undefined : lapsed === 'true',
    minOrders: number('when.minOrders'),
    maxOrders: number('when.maxOrders'),
    minRevenue: number('when.minRevenue'),
    maxRevenue: number('when.maxRevenue'),
    minVisits: number('when.minVisits'),
    urlPattern: text('when.urlPattern'),
    referrerPattern: text('when.referrerPattern'),
    ...Object.fromEntries(
      PREDICTION_RANGES.map((name) => {
        const range = compact({ min: number(`when.${name}.min`), max: number(`when.${name}.max`) })
        return [name, Object.keys(range).length > 0 ? range : undefined]
      }),
    ),
    dueForReorder: text('when.dueForReorder') === 'true' ? true : undefined,
  })

  let content: unknown
  const contentType = text('content.type')
  if (contentType === 'json') {
    try {
      content = { type: 'json', value: JSON.parse(raw('content.value')) }
    } catch {
      errors['content.value'] = ['This is not valid JSON.']
    }
  } else if (contentType) {
    content = { type: contentType, value: raw('content.value') }
  }

  let offer: unknown
  const kind = text('offer.kind')
  // Empty keeps the default (verified purchases for a coded offer); "true" or "false" is explicit.
  const requiresVerified = text('offer.requiresVerified')
  if (kind) {
    offer = compact({
      kind,
      // Free shipping has no amount; the schema wants 0.
      value: number('offer.value') ?? (kind === 'free_shipping' ? 0 : undefined),
      code: text('offer.code'),
      uniqueCodes: raw('offer.uniqueCodes')
        ? {
            prefix: raw('offer.uniqueCodes.prefix').trim(),
            validDays: number('offer.uniqueCodes.validDays'),
          }
        : undefined,
      expiresAt: time('offer.expiresAt'),
      requiresVerified: requiresVerified === undefined ? undefined : requiresVerified === 'true',
    })
  }

  const input = compact({
    id: text('id'),
    slot: text('slot'),
    priority: number('priority'),
    status: text('status'),
    when,
    content,
    offer,
    holdoutPercent: number('holdoutPercent'),
    startsAt: time('startsAt'),
    endsAt: time('endsAt'),
  })
  return { input, errors }
}

/** Plain words for the issues a form produces most; zod's own message otherwise. */
const friendlyMessages = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required.'
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number.'
  if (issue.code === 'invalid_format' && issue.format === 'datetime')
    return 'Enter a date and time.'
  if (issue.code === 'too_big' && issue.origin === 'number') return `At most ${issue.maximum}.`
  if (issue.code === 'too_small' && issue.origin === 'number') return `At least ${issue.minimum}.`
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `At most ${issue.maximum} characters.`
  return undefined
}

function addError(errors: FieldErrors, path: PropertyKey[], message: string): void {
  const joined = path.map(String).join('.')
  const field = FIELD_ALIASES[joined] ?? joined
  const key = (RULE_FIELDS as readonly string[]).includes(field) ? field : ''
  const text = key === '' && joined ? `${joined}: ${message}` : message
  if (!(errors[key] ??= []).includes(text)) errors[key].push(text)
}

export type RuleChange =
  { ok: true; rule: Rule; rules: Rule[] } | { ok: false; errors: FieldErrors }

/**
 * Validates an edited (or new) rule with the API's own schemas, and the whole working copy with it,
 * so what the editor accepts is exactly what publishing accepts.
 * @example const change = applyRuleForm(workspace.rules, form, 'welcome-back', site.timeZone)
 */
export function applyRuleForm(
  rules: readonly Rule[],
  form: RuleForm,
  originalId: string | null,
  timeZone: string,
): RuleChange {
  const { input, errors } = formToInput(form, timeZone)
  const parsed = RuleSchema.safeParse(input, { error: friendlyMessages })
  if (!parsed.success)
    for (const issue of parsed.error.issues) addError(errors, issue.path, issue.message)
  const index = originalId === null ? -1 : rules.findIndex((rule) => rule.id === originalId)
  const clash = rules.some((rule, i) => i !== index && rule.id === input.id)
  if (clash) addError(errors, ['id'], 'Another rule already has this id.')
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors }

  const next = [...rules]
  if (index === -1) next.push(parsed.data)
  else next[index] = parsed.data
  const set = RulesetInputSchema.safeParse({ rules: next }, { error: friendlyMessages })
  if (!set.success) {
    const setErrors: FieldErrors = {}
    for (const issue of set.error.issues) addError(setErrors, issue.path, issue.message)
    return { ok: false, errors: setErrors }
  }
  return { ok: true, rule: parsed.data, rules: set.data.rules }
}

/**
 * A new rule's starting values: live once published, for everyone, in the given slot.
 * @example emptyRuleForm('hero')
 */
export function emptyRuleForm(slot = ''): RuleForm {
  return {
    segments: [],
    values: { slot, status: 'live', priority: '0', holdoutPercent: '0', 'content.type': 'text' },
  }
}

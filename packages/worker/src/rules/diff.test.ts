import { RuleSchema } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { diffRules, isEmptyDiff } from './diff'

const rule = (id: string, extra: object = {}) =>
  RuleSchema.parse({
    id,
    slot: 'hero',
    status: 'live',
    content: { type: 'text', value: id },
    ...extra,
  })

describe('diffRules', () => {
  it('lists added, removed and changed rules with the changed fields', () => {
    const before = [rule('a'), rule('b'), rule('c')]
    const after = [rule('a'), rule('b', { priority: 4, when: { segments: ['repeat'] } }), rule('d')]
    expect(diffRules(before, after)).toEqual({
      added: ['d'],
      removed: ['c'],
      changed: [{ id: 'b', fields: ['priority', 'when'] }],
    })
  })

  it('ignores key order', () => {
    const a = rule('a', { when: { segments: ['repeat'], minOrders: 2 } })
    const b = { ...a, when: { minOrders: 2, segments: ['repeat' as const] } }
    expect(isEmptyDiff(diffRules([a], [b]))).toBe(true)
  })
})

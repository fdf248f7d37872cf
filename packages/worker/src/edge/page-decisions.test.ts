import type { Decision } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { boundedDecisions, type PageDecisions } from './page-decisions'

// The edge's bounded wait for a page's decisions: at once when they are in, waited for until the
// deadline when not, and the same answer for every slot of the page.

const DECISIONS: PageDecisions = {
  hero: { ruleId: 'hero-new', variant: 'treatment' } as unknown as Decision,
  banner: null,
}

/** A decision the test settles by hand. */
function pending() {
  let settle!: (decisions: PageDecisions) => void
  let fail!: (error: Error) => void
  const promise = new Promise<PageDecisions>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  return { promise, settle, fail }
}

/** Lets the decision's callbacks run. */
const settled = () => new Promise((done) => setTimeout(done, 0))

describe('boundedDecisions', () => {
  it('gives decisions that are already in at once, without waiting', async () => {
    const source = boundedDecisions(Promise.resolve(DECISIONS), Date.now() + 10_000)
    await settled()
    expect(source.ready()).toBe(DECISIONS)
  })

  it('is not ready before the decisions are in; the wait gives them when they come in time', async () => {
    const decision = pending()
    const source = boundedDecisions(decision.promise, Date.now() + 10_000)
    expect(source.ready()).toBeUndefined()
    const waited = source.wait()
    // A second slot of the page waits for the same answer.
    expect(source.wait()).toBe(waited)
    decision.settle(DECISIONS)
    expect(await waited).toBe(DECISIONS)
    expect(source.ready()).toBe(DECISIONS)
  })

  it('past the deadline the page keeps its defaults, even if the decisions come later', async () => {
    const decision = pending()
    const source = boundedDecisions(decision.promise, Date.now() + 20)
    expect(await source.wait()).toBeNull()
    decision.settle(DECISIONS)
    await settled()
    // The first slot left its default: so do the later ones.
    expect(source.ready()).toBeNull()
    expect(await source.wait()).toBeNull()
  })

  it('a deadline already past does not wait at all', async () => {
    const source = boundedDecisions(pending().promise, Date.now() - 1)
    expect(await source.wait()).toBeNull()
  })

  it('a failed decision is no decisions', async () => {
    const decision = pending()
    const source = boundedDecisions(decision.promise, Date.now() + 10_000)
    decision.fail(new Error('ledger unreachable'))
    expect(await source.wait()).toBeNull()
    expect(source.ready()).toBeNull()
  })
})

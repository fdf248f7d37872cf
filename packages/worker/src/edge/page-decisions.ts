import type { Decision } from '@stammis/contract'

// The visitor's decisions as the page's rewrite asks for them: at once when they are in, else
// waited for until a deadline, past which the page keeps its defaults.

/** Decisions by slot (null: no rule for this visitor), or null when none came in time. */
export type PageDecisions = Record<string, Decision | null> | null

/**
 * Where the rewriter gets the decisions: `ready()` when they are already in (the usual case: a
 * decision from the profile token is made before the origin answers), so a slot is filled without
 * pausing the stream; otherwise `wait()`, bounded by the caller. Both give the same answer to
 * every slot of a page.
 */
export type DecisionSource = {
  ready(): PageDecisions | undefined
  wait(): Promise<PageDecisions>
}

/**
 * The decisions of a page, as a DecisionSource: what `decided` gives, if it gives it by `deadline`
 * (epoch ms), else null (the page keeps its defaults and the SDK fills the slots); a decision
 * that fails is logged and null too. The wait's timer starts only if a slot is reached before the
 * decisions are in; the first slot to get an answer fixes it for the whole page, so the page is
 * filled all alike.
 * @example const source = boundedDecisions(decided, Date.now() + 150)
 */
export function boundedDecisions(
  decided: Promise<PageDecisions>,
  deadline: number,
): DecisionSource {
  let arrived: PageDecisions | undefined
  // Set when a wait ends: what every later slot gets, whatever arrives after.
  let waited: PageDecisions | undefined
  let waiting: Promise<PageDecisions> | undefined
  const arrival = decided.then(
    (decisions) => (arrived = decisions),
    (error: unknown) => {
      console.error('edge decision failed', error)
      return (arrived = null)
    },
  )
  return {
    ready: () => (waiting ? waited : arrived),
    wait() {
      waiting ??= new Promise<PageDecisions>((done) => {
        const timer = setTimeout(() => done(null), Math.max(0, deadline - Date.now()))
        void arrival.then((decisions) => {
          clearTimeout(timer)
          done(decisions)
        })
      }).then((decisions) => (waited = decisions))
      return waiting
    },
  }
}

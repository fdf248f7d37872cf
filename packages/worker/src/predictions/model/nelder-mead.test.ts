import { describe, expect, it } from 'vitest'
import { nelderMead } from './nelder-mead'

const rosenbrock = ([x, y]: number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley, (1, 1), from the classic start (−1.2, 1)', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1])
    expect(result.isConverged).toBe(true)
    expect(result.point[0]).toBeCloseTo(1, 6)
    expect(result.point[1]).toBeCloseTo(1, 6)
    expect(result.value).toBeLessThan(1e-12)
  })

  it('finds a badly scaled 4-d minimum, as the BG/NBD log parameters are', () => {
    const centre = [-1.4, 1.5, -0.2, 0.9]
    const scales = [1, 30, 0.05, 4]
    const f = (p: number[]) =>
      p.reduce((sum, x, i) => sum + scales[i]! * (x - centre[i]!) ** 2, 0) + 9582.4
    const result = nelderMead(f, [0, 0, 0, 0])
    expect(result.isConverged).toBe(true)
    result.point.forEach((x, i) => expect(x).toBeCloseTo(centre[i]!, 5))
    expect(result.value).toBeCloseTo(9582.4, 8)
  })

  it('is deterministic: the same call gives the same bits', () => {
    expect(nelderMead(rosenbrock, [-1.2, 1])).toEqual(nelderMead(rosenbrock, [-1.2, 1]))
  })

  it('treats NaN as outside the domain and stays inside', () => {
    // ln is NaN below 0; the minimum of x − 2 ln x is at x = 2.
    const result = nelderMead(([x]) => x! - 2 * Math.log(x!), [0.2], { initialStep: 5 })
    expect(result.point[0]).toBeCloseTo(2, 6)
  })

  it('says so when the evaluations run out before convergence', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 30 })
    expect(result.isConverged).toBe(false)
    expect(result.evaluations).toBeLessThanOrEqual(30 + 3)
  })
})

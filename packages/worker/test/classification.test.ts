import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { completeEvents, historyCases } from './golden-cases'
import { createTestSite, postJson } from './helpers'

type Answer = Partial<Profile> & { accepted?: number; duplicates?: number }

describe('classification histories (golden cases, through the worker)', () => {
  it.each(historyCases)('%s', async (_name, steps, expected) => {
    const site = await createTestSite()
    const visitorId = 'golden-visitor'
    const answers: Answer[] = []
    for (const step of completeEvents(steps)) {
      if ('decide' in step) {
        const response = await postJson('/v1/decide', {
          site: site.publicKey,
          visitorId,
          visitId: step.decide,
          slots: ['hero'],
        })
        expect(response.status).toBe(200)
        answers.push(((await response.json()) as { profile: Profile }).profile)
      } else {
        const response = await postJson('/v1/events', {
          site: site.publicKey,
          visitorId,
          visitId: step.visit,
          events: step.events,
        })
        expect(response.status).toBe(200)
        const body = (await response.json()) as {
          accepted: number
          duplicates: number
          profile: Profile
        }
        answers.push({ ...body.profile, accepted: body.accepted, duplicates: body.duplicates })
      }
    }
    expected.forEach((expectation, index) =>
      expect(answers[index], `step ${index}`).toMatchObject(expectation),
    )
  })
})

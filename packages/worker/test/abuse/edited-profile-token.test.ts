// Attack: take the profile token a fresh visitor is handed, edit its payload (base64url JSON, easy
// to read) to claim five verified purchase visits, keep the signature, and send it back to decide
// in a new visit to collect the coded offer meant for real repeat customers.
import type { DecideResponse, EventsResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { createTestSite, eventId, postJson, publishRules, type TestSite } from '../helpers'
import { tokenFields, withFields } from '../profile-tokens'

async function decide(site: TestSite, visitId: string, profileToken?: string) {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId: 'forger',
    visitId,
    slots: ['hero'],
    ...(profileToken ? { profileToken } : {}),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as DecideResponse
}

function edit(token: string, change: (fields: number[]) => void): string {
  const fields = tokenFields(token) as number[]
  change(fields)
  return withFields(token, fields)
}

describe('abuse: an edited profile token claims repeat and unlocks a coded offer', () => {
  it('refuses the edited token and answers from storage: a shopper, no code', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'loyal-code',
        slot: 'hero',
        status: 'live',
        when: { segments: ['repeat'] },
        content: { type: 'text', value: 'For our regulars' },
        offer: { kind: 'percent', value: 30, code: 'LOYAL30' },
      },
    ])
    const events = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'forger',
      visitId: 'f1',
      events: [{ id: eventId(), type: 'visit' }],
    })
    const { profileToken } = (await events.json()) as EventsResponse
    expect(profileToken).toBeTruthy()
    // A first decide, as on any page: the worker now knows the site in this isolate.
    expect((await decide(site, 'f1', profileToken)).decisions.hero).toBeNull()

    // Counters before the visit: orders, purchase visits, then the verified ones.
    const forged = edit(profileToken!, (fields) => {
      for (const index of [4, 5, 8, 9]) fields[index] = 5
      fields[6] = fields[10] = 500_000_000
    })
    const answer = await decide(site, 'f2', forged)
    expect(answer.profile).toMatchObject({ segment: 'shopper', orders: 0, purchaseVisits: 0 })
    expect(answer.decisions.hero).toBeNull()
    // Never handed back as if it were trusted: the answer carries a token storage just gave.
    expect(answer.profileToken).not.toBe(forged)
  })
})

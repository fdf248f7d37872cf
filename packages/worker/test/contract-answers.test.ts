import { Validator } from '@cfworker/json-schema'
import {
  BotEventsResponseSchema,
  BotsReportSchema,
  CustomerExportSchema,
  CustomerPredictionSchema,
  DeliveryLogSchema,
  DestinationCreatedSchema,
  DestinationListSchema,
  ResendResultSchema,
  DecideResponseSchema,
  EraseResultSchema,
  ErrorBodySchema,
  EventsResponseSchema,
  IdentitySecretSchema,
  MetricsReportSchema,
  PredictionFitSchema,
  PreviewLinkSchema,
  PreviewResultSchema,
  PublicKeyRotationSchema,
  PublishResultSchema,
  RedeemResultSchema,
  RetentionSettingSchema,
  RollbackResultSchema,
  RulesCheckResultSchema,
  RulesetSchema,
  SecretKeyRotationSchema,
  ServerOrdersResultSchema,
  SiteSettingsPatchResultSchema,
  SiteSettingsSchema,
  VersionListSchema,
  VisitorExportSchema,
  WebhookSecretSchema,
  WorkspaceSchema,
  type PreviewLink,
} from '@stammis/contract'
import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { sendMoment } from '../src/moments/send'
import { signWebhook } from '../src/lib/webhook-signature'
import {
  adminFetch,
  callWorker,
  createTestSite,
  identitySigner,
  postJson,
  publishRules,
  type TestSite,
} from './helpers'

/**
 * The contract covers what the worker really answers: for every route, a real answer parses with
 * its contract schema (strict objects: no field more, none missing) and validates against the
 * schema `GET /openapi.json` documents for that route and status. The last test checks that every
 * JSON answer the document lists was seen here, so a new route cannot skip this.
 */

type OpenApi = {
  paths: Record<string, Record<string, { responses: Record<string, Answer> }>>
  components: Record<string, unknown>
}
type Answer = { content?: Record<string, { schema: Record<string, unknown> }> }

let document: OpenApi
const seen = new Set<string>()

beforeAll(async () => {
  document = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as OpenApi
})

/**
 * Checks one real answer: its status, its contract schema, and the document's schema for
 * `method route` at that status (`route` as the document writes it, e.g. `/v1/admin/visitors/{id}`).
 */
async function expectAnswer<S extends z.ZodType>(
  response: Response,
  method: string,
  route: string,
  schema: S,
  status = 200,
): Promise<z.infer<S>> {
  const body: unknown = await response.json()
  expect(response.status, JSON.stringify(body)).toBe(status)
  const parsed = schema.safeParse(body)
  expect(parsed.error?.issues ?? [], `${method} ${route}: ${JSON.stringify(body)}`).toEqual([])

  const validator = documentedValidator(method, route, status)
  const result = validator.validate(body)
  expect(result.errors, `${method} ${route} ${status}`).toEqual([])
  expect(result.valid).toBe(true)
  // Every answer is a strict object, in the document too: a field the API does not promise fails.
  expect(validator.validate({ ...(body as object), notPromised: 1 }).valid).toBe(false)
  seen.add(`${method.toLowerCase()} ${route} ${status}`)
  return parsed.data as z.infer<S>
}

/** A validator for the schema the document gives `method route` at `status`. */
function documentedValidator(method: string, route: string, status: number): Validator {
  const documented =
    document.paths[route]?.[method.toLowerCase()]?.responses[String(status)]?.content?.[
      'application/json'
    ]?.schema
  expect(documented, `${method} ${route} ${status} is documented`).toBeDefined()
  // The answer's schema refers to `#/components/...`: give it the document's components to resolve.
  return new Validator({ ...documented, components: document.components }, '2020-12', false)
}

function admin(site: TestSite, method: string, path: string, body?: unknown): Promise<Response> {
  return adminFetch(path, site.secretKey, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

const RULES = [
  {
    id: 'hero-code',
    slot: 'hero',
    status: 'live',
    content: { type: 'text', value: 'Welcome' },
    offer: { kind: 'percent', value: 10, code: 'WELCOME10', expiresAt: '2099-01-01T00:00:00Z' },
  },
  {
    id: 'banner-unique',
    slot: 'banner',
    status: 'live',
    holdoutPercent: 10,
    content: { type: 'html', value: '<p>Back <b>soon</b></p>' },
    offer: { kind: 'amount', value: 5, uniqueCodes: { prefix: 'BACK', validDays: 30 } },
  },
  {
    id: 'data',
    slot: 'data',
    status: 'live',
    priority: 3,
    content: { type: 'json', value: { items: [1, 'two', null, { nested: true }] } },
  },
  { id: 'later', slot: 'hero', status: 'draft', content: { type: 'text', value: 'Soon' } },
]

describe('browser routes answer as the contract says', () => {
  let site: TestSite
  beforeAll(async () => {
    site = await createTestSite()
    await publishRules(site, RULES)
  })

  it('POST /v1/events: stored (200) and from a bot (202)', async () => {
    const batch = {
      site: site.publicKey,
      visitorId: 'alice',
      visitId: 'a1',
      events: [
        { id: 'a1-visit', type: 'visit', url: 'https://shop.example/' },
        { id: 'a1-buy', type: 'purchase', orderId: 'A-1', revenue: 42, currency: 'USD' },
      ],
    }
    const stored = await expectAnswer(
      await postJson('/v1/events', batch),
      'POST',
      '/v1/events',
      EventsResponseSchema,
    )
    expect(stored).toMatchObject({ accepted: 2, duplicates: 0 })
    expect(stored.profile.orders).toBe(1)
    // The document's schema follows its $refs: a segment the API never sends fails in Profile.
    const wrongSegment = { ...stored, profile: { ...stored.profile, segment: 'vip' } }
    expect(documentedValidator('POST', '/v1/events', 200).validate(wrongSegment).valid).toBe(false)
    const again = await postJson('/v1/events', batch)
    expect((await expectAnswer(again, 'POST', '/v1/events', EventsResponseSchema)).duplicates).toBe(
      2,
    )

    const bot = await postJson('/v1/events', batch, { 'user-agent': 'Googlebot/2.1' })
    await expectAnswer(bot, 'POST', '/v1/events', BotEventsResponseSchema, 202)
  })

  it('POST /v1/decide: decisions with text, html, json content and served offers; a preview; a bot', async () => {
    const request = {
      site: site.publicKey,
      visitorId: 'alice',
      visitId: 'a2',
      slots: ['hero', 'banner', 'data', 'none'],
    }
    // callWorker waits for the exposures written after the answer (the redemption below needs them).
    const answer = await expectAnswer(
      await callWorker('/v1/decide', { body: JSON.stringify(request) }),
      'POST',
      '/v1/decide',
      DecideResponseSchema,
    )
    expect(answer.decisions.hero?.offer?.code).toBe('WELCOME10')
    expect(answer.decisions.data?.content).toEqual(RULES[2]!.content)
    expect(answer.decisions.none).toBeNull()

    const link = (await (
      await admin(site, 'POST', '/v1/admin/preview-links', {
        segment: 'repeat',
        url: 'https://shop.example/',
      })
    ).json()) as PreviewLink
    const preview = await expectAnswer(
      await postJson('/v1/decide', { ...request, preview: link.token }),
      'POST',
      '/v1/decide',
      DecideResponseSchema,
    )
    expect(preview.preview).toBe(true)

    const bot = await postJson('/v1/decide', request, { 'user-agent': 'HeadlessChrome' })
    expect(
      (await expectAnswer(bot, 'POST', '/v1/decide', DecideResponseSchema)).decisions.hero,
    ).toBeNull()
  })

  it('errors: the error body, with issues for invalid requests', async () => {
    const invalid = await expectAnswer(
      await postJson('/v1/events', {
        site: site.publicKey,
        visitorId: 'a',
        visitId: 'b',
        events: [],
      }),
      'POST',
      '/v1/events',
      ErrorBodySchema,
      400,
    )
    expect(invalid.error.code).toBe('invalid_request')
    expect(invalid.error.issues?.length).toBeGreaterThan(0)
    const unknown = await postJson('/v1/decide', {
      site: 'pk_nobody',
      visitorId: 'a',
      visitId: 'b',
      slots: ['hero'],
    })
    await expectAnswer(unknown, 'POST', '/v1/decide', ErrorBodySchema, 401)
    const noKey = await adminFetch('/v1/admin/rules', null)
    await expectAnswer(noKey, 'GET', '/v1/admin/rules', ErrorBodySchema, 401)
    const notFound = await SELF.fetch('https://worker.test/v1/nothing')
    expect(notFound.status).toBe(404)
    expect(ErrorBodySchema.parse(await notFound.json()).error.code).toBe('not_found')
  })

  it('POST /v1/webhooks/{publicKey}/orders', async () => {
    const { secret } = WebhookSecretSchema.parse(
      await (await admin(site, 'POST', '/v1/admin/site/webhook-secret')).json(),
    )
    const body = JSON.stringify({
      orders: [
        {
          orderId: 'W-1',
          customerId: 'cust-w',
          revenue: 20,
          currency: 'USD',
          placedAt: new Date().toISOString(),
        },
      ],
    })
    const timestamp = Math.floor(Date.now() / 1000)
    const response = await SELF.fetch(`https://worker.test/v1/webhooks/${site.publicKey}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stammis-timestamp': String(timestamp),
        'stammis-signature': await signWebhook(secret, timestamp, body),
      },
      body,
    })
    await expectAnswer(
      response,
      'POST',
      '/v1/webhooks/{publicKey}/orders',
      ServerOrdersResultSchema,
    )
  })
})

describe('admin rules routes answer as the contract says', () => {
  let site: TestSite
  beforeAll(async () => {
    site = await createTestSite()
  })

  it('GET and PUT /v1/admin/rules, check, versions, rollback', async () => {
    const empty = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/rules'),
      'GET',
      '/v1/admin/rules',
      RulesetSchema,
    )
    expect(empty).toEqual({
      version: 0,
      publishedAt: null,
      publishedBy: null,
      note: null,
      rules: [],
    })
    await expectAnswer(
      await admin(site, 'PUT', '/v1/admin/rules?note=first', { rules: RULES }),
      'PUT',
      '/v1/admin/rules',
      PublishResultSchema,
    )
    const live = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/rules'),
      'GET',
      '/v1/admin/rules',
      RulesetSchema,
    )
    expect(live.rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id))

    // Two live rules in one slot with one priority: a warning.
    const tie = [
      ...RULES,
      { id: 'hero-tie', slot: 'hero', status: 'live', content: { type: 'text', value: 'Tie' } },
    ]
    const check = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/rules/check', { rules: tie }),
      'POST',
      '/v1/admin/rules/check',
      RulesCheckResultSchema,
    )
    expect(check.warnings.map((warning) => warning.code)).toContain('priority_tie')
    expect(check.diff.added).toEqual(['hero-tie'])
    await admin(site, 'PUT', '/v1/admin/rules', { rules: tie })

    const log = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/rules/versions'),
      'GET',
      '/v1/admin/rules/versions',
      VersionListSchema,
    )
    expect(log.versions.map((version) => version.version)).toEqual([2, 1])
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/rules/versions/1'),
      'GET',
      '/v1/admin/rules/versions/{version}',
      RulesetSchema,
    )
    const rollback = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/rules/rollback', { version: 1 }),
      'POST',
      '/v1/admin/rules/rollback',
      RollbackResultSchema,
    )
    expect(rollback).toMatchObject({ version: 3, rolledBackTo: 1 })
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/rules/versions/9'),
      'GET',
      '/v1/admin/rules/versions/{version}',
      ErrorBodySchema,
      404,
    )
  })

  it('GET and PUT /v1/admin/workspace, and publishing it', async () => {
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/workspace'),
      'GET',
      '/v1/admin/workspace',
      WorkspaceSchema,
    )
    const edited = RULES.map((rule) => ({ ...rule, startsAt: '2099-01-01T00:00:00Z' }))
    const saved = await expectAnswer(
      await admin(site, 'PUT', '/v1/admin/workspace', { rules: edited }),
      'PUT',
      '/v1/admin/workspace',
      WorkspaceSchema,
    )
    expect(saved.hasChanges).toBe(true)
    expect(saved.rules[0]?.displayStatus).toBe('scheduled')
    await expectAnswer(
      await admin(site, 'POST', '/v1/admin/workspace/publish', { note: 'later' }),
      'POST',
      '/v1/admin/workspace/publish',
      PublishResultSchema,
    )
  })

  it('POST /v1/admin/preview and /v1/admin/preview-links', async () => {
    await admin(site, 'PUT', '/v1/admin/rules', { rules: RULES })
    const preview = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/preview', {
        segment: 'returning',
        visitorId: 'alice',
        source: 'live',
      }),
      'POST',
      '/v1/admin/preview',
      PreviewResultSchema,
    )
    expect(preview.slots.map((slot) => slot.slot)).toEqual(['banner', 'data', 'hero'])
    await expectAnswer(
      await admin(site, 'POST', '/v1/admin/preview-links', {
        segment: 'repeat',
        url: 'https://shop.example/p/mug',
      }),
      'POST',
      '/v1/admin/preview-links',
      PreviewLinkSchema,
    )
  })

  it('POST /v1/admin/offers/redeem: valid, and why not', async () => {
    await callWorker('/v1/decide', {
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'carol',
        visitId: 'c1',
        slots: ['hero'],
      }),
    })
    const valid = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/offers/redeem', {
        code: 'welcome10',
        visitorId: 'carol',
      }),
      'POST',
      '/v1/admin/offers/redeem',
      RedeemResultSchema,
    )
    expect(valid).toMatchObject({ valid: true, redeemed: true })
    const unknown = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/offers/redeem', { code: 'NOPE', visitorId: 'carol' }),
      'POST',
      '/v1/admin/offers/redeem',
      RedeemResultSchema,
    )
    expect(unknown).toMatchObject({ valid: false, reason: 'unknown_code' })
  })
})

describe('admin site, data and privacy routes answer as the contract says', () => {
  let site: TestSite
  beforeAll(async () => {
    site = await createTestSite()
    await publishRules(site, RULES)
  })

  it('site settings, secrets and public-key rotation', async () => {
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/site'),
      'GET',
      '/v1/admin/site',
      SiteSettingsSchema,
    )
    await expectAnswer(
      await admin(site, 'PATCH', '/v1/admin/site', { trustBrowserPurchases: false }),
      'PATCH',
      '/v1/admin/site',
      SiteSettingsPatchResultSchema,
    )
    await expectAnswer(
      await admin(site, 'POST', '/v1/admin/site/webhook-secret'),
      'POST',
      '/v1/admin/site/webhook-secret',
      WebhookSecretSchema,
    )
    await expectAnswer(
      await admin(site, 'POST', '/v1/admin/site/identity-secret'),
      'POST',
      '/v1/admin/site/identity-secret',
      IdentitySecretSchema,
    )
    const rotated = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/site/rotate-public-key'),
      'POST',
      '/v1/admin/site/rotate-public-key',
      PublicKeyRotationSchema,
    )
    // During the grace period the settings name the previous key too.
    const settings = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/site'),
      'GET',
      '/v1/admin/site',
      SiteSettingsSchema,
    )
    expect(settings).toMatchObject({
      publicKey: rotated.publicKey,
      previousPublicKey: site.publicKey,
      hasWebhookSecret: true,
      hasIdentitySecret: true,
      trustBrowserPurchases: false,
    })
  })

  it('POST /v1/admin/site/rotate-secret', async () => {
    const own = await createTestSite()
    const rotation = await expectAnswer(
      await admin(own, 'POST', '/v1/admin/site/rotate-secret'),
      'POST',
      '/v1/admin/site/rotate-secret',
      SecretKeyRotationSchema,
    )
    expect((await admin(own, 'GET', '/v1/admin/site')).status).toBe(401)
    expect((await adminFetch('/v1/admin/site', rotation.secretKey)).status).toBe(200)
  })

  it('orders, metrics and bots', async () => {
    const signedIdentify = identitySigner(site)
    const bought = {
      site: site.publicKey,
      visitorId: 'dora',
      visitId: 'd1',
      events: [
        { id: 'd1-visit', type: 'visit' },
        { id: 'd1-who', ...(await signedIdentify('dora@example.com')) },
        { id: 'd1-buy', type: 'purchase', orderId: 'D-1', revenue: 30, currency: 'USD' },
      ],
    }
    expect((await postJson('/v1/events', bought)).status).toBe(200)
    const now = Date.now()
    const orders = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/orders', {
        orders: [
          {
            orderId: 'D-1',
            visitorId: 'dora',
            customerId: 'dora@example.com',
            revenue: 30,
            currency: 'USD',
            placedAt: new Date(now).toISOString(),
          },
          {
            orderId: 'D-0',
            customerId: 'dora@example.com',
            revenue: 12.5,
            currency: 'USD',
            placedAt: new Date(now - 70 * 86_400_000).toISOString(),
          },
        ],
      }),
      'POST',
      '/v1/admin/orders',
      ServerOrdersResultSchema,
    )
    expect(orders).toEqual({ accepted: 1, confirmed: 1, conflicts: 0, duplicates: 0 })
    await callWorker('/v1/decide', {
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'dora',
        visitId: 'd2',
        slots: ['hero', 'banner'],
      }),
    })
    await postJson(
      '/v1/decide',
      { site: site.publicKey, visitorId: 'bot', visitId: 'b1', slots: ['hero'] },
      { 'user-agent': 'Googlebot/2.1' },
    )

    const from = new Date(now - 90 * 86_400_000).toISOString().slice(0, 10)
    const metrics = await expectAnswer(
      await admin(site, 'GET', `/v1/admin/metrics?from=${from}`),
      'GET',
      '/v1/admin/metrics',
      MetricsReportSchema,
    )
    expect(metrics.totals.orders).toBeGreaterThan(0)
    expect(metrics.customers.total).toBe(1)
    expect(metrics.cohorts.length).toBeGreaterThan(0)
    expect(metrics.offers.map((offer) => offer.ruleId)).toContain('banner-unique')
    await expect
      .poll(async () => {
        const bots = BotsReportSchema.parse(
          await (await admin(site, 'GET', '/v1/admin/bots')).json(),
        )
        return bots.total.decides
      })
      .toBe(1)
    const bots = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/bots'),
      'GET',
      '/v1/admin/bots',
      BotsReportSchema,
    )
    expect(bots.days).toHaveLength(1)
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/metrics?from=2026-02-30'),
      'GET',
      '/v1/admin/metrics',
      ErrorBodySchema,
      400,
    )
  })

  it('retention, export and erase', async () => {
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/settings/retention'),
      'GET',
      '/v1/admin/settings/retention',
      RetentionSettingSchema,
    )
    await expectAnswer(
      await admin(site, 'PUT', '/v1/admin/settings/retention', { retentionDays: 30 }),
      'PUT',
      '/v1/admin/settings/retention',
      RetentionSettingSchema,
    )
    const visitor = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/visitors/dora'),
      'GET',
      '/v1/admin/visitors/{id}',
      VisitorExportSchema,
    )
    expect(visitor.events.length).toBeGreaterThan(0)
    const customer = await expectAnswer(
      await admin(site, 'GET', `/v1/admin/customers/${encodeURIComponent('dora@example.com')}`),
      'GET',
      '/v1/admin/customers/{id}',
      CustomerExportSchema,
    )
    expect(customer.orders).toHaveLength(2)
    await expectAnswer(
      await admin(site, 'DELETE', '/v1/admin/visitors/dora'),
      'DELETE',
      '/v1/admin/visitors/{id}',
      EraseResultSchema,
    )
    await expectAnswer(
      await admin(site, 'DELETE', `/v1/admin/customers/${encodeURIComponent('dora@example.com')}`),
      'DELETE',
      '/v1/admin/customers/{id}',
      EraseResultSchema,
    )
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/visitors/dora'),
      'GET',
      '/v1/admin/visitors/{id}',
      ErrorBodySchema,
      404,
    )
  })
})

describe('prediction routes answer as the contract says', () => {
  it('fit, latest fit and a customer prediction', async () => {
    const site = await createTestSite()
    const imported = await admin(site, 'POST', '/v1/admin/orders?source=import', {
      orders: ['2026-01-05', '2026-02-01', '2026-03-01'].map((day, index) => ({
        orderId: `p-${index}`,
        customerId: 'cust-1',
        revenue: 25,
        currency: 'USD',
        placedAt: `${day}T12:00:00Z`,
      })),
    })
    expect(imported.status).toBe(200)
    await expectAnswer(
      await admin(site, 'POST', '/v1/admin/predictions/fit', { asOf: '2026-03-31' }),
      'POST',
      '/v1/admin/predictions/fit',
      PredictionFitSchema,
    )
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/predictions/fit'),
      'GET',
      '/v1/admin/predictions/fit',
      PredictionFitSchema,
    )
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/customers/cust-1/prediction?asOf=2026-03-31'),
      'GET',
      '/v1/admin/customers/{customerId}/prediction',
      CustomerPredictionSchema,
    )
  })
})

describe('admin moment routes answer as the contract says', () => {
  it('destinations, the delivery log and a resend', async () => {
    const site = await createTestSite()
    const created = await expectAnswer(
      await admin(site, 'POST', '/v1/admin/destinations', {
        url: 'https://hooks.example.com/stammis',
        moments: ['customer.lapsed'],
      }),
      'POST',
      '/v1/admin/destinations',
      DestinationCreatedSchema,
      201,
    )
    await expectAnswer(
      await admin(site, 'GET', '/v1/admin/destinations'),
      'GET',
      '/v1/admin/destinations',
      DestinationListSchema,
    )
    await sendMoment(
      env,
      { id: site.siteId },
      {
        type: 'customer.lapsed',
        customerId: 'cust-1',
        occurrence: '2026-01-01',
        data: { lastPurchaseDay: '2026-01-01' },
      },
    )
    const log = await expectAnswer(
      await admin(site, 'GET', '/v1/admin/moments/deliveries'),
      'GET',
      '/v1/admin/moments/deliveries',
      DeliveryLogSchema,
    )
    expect(log.deliveries[0]!.destinationId).toBe(created.destination.id)
    await expectAnswer(
      await admin(site, 'POST', `/v1/admin/moments/deliveries/${log.deliveries[0]!.id}/resend`),
      'POST',
      '/v1/admin/moments/deliveries/{id}/resend',
      ResendResultSchema,
    )
    await expectAnswer(
      await admin(site, 'DELETE', '/v1/admin/destinations/nope'),
      'DELETE',
      '/v1/admin/destinations/{id}',
      ErrorBodySchema,
      404,
    )
  })
})

describe('coverage', () => {
  it('checked a real answer for every JSON success the document lists', () => {
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.entries(operations).flatMap(([method, { responses }]) =>
        Object.entries(responses)
          .filter(
            ([status, answer]) => status.startsWith('2') && answer.content?.['application/json'],
          )
          .map(([status]) => `${method} ${route} ${status}`),
      ),
    )
    // The document itself: src/openapi/routes.test.ts checks it is an OpenAPI 3.1 document.
    const missing = documented.filter((key) => !seen.has(key) && key !== 'get /openapi.json 200')
    expect(missing).toEqual([])
    expect(documented.length).toBeGreaterThan(30)
  })
})

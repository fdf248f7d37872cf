import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../errors'
import { createOpenApiDocument } from './document'

const document = createOpenApiDocument()
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

type Operation = {
  operationId?: string
  security?: Record<string, string[]>[]
  description?: string
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>
}

const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const operation = (item as Record<string, unknown>)[method] as Operation | undefined
    return operation ? [{ path, method, operation }] : []
  }),
)

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document whose $refs all resolve', async () => {
    const validator = new Validator()
    // The validator keeps (and may change) what it is given: hand it a copy.
    const result = await validator.validate(JSON.parse(JSON.stringify(document)))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? []
    expect(refs.length).toBeGreaterThan(10)
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1]
      expect(name && document.components?.schemas?.[name], ref).toBeTruthy()
    }
  })

  it('names every operation once and gives it a success answer', () => {
    const ids = operations.map(({ operation }) => operation.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { path, method, operation } of operations) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-zA-Z]+$/)
      expect(
        Object.keys(operation.responses).some((status) => status.startsWith('2')),
        `${method} ${path}`,
      ).toBe(true)
    }
  })

  it("says each operation's auth: public key, signature, secret key or session (+ CSRF to change)", () => {
    for (const { path, method, operation } of operations) {
      const where = `${method} ${path}`
      if (path.startsWith('/v1/admin/')) {
        expect(operation.security, where).toEqual(
          method === 'get'
            ? [{ secretKey: [] }, { adminSession: [] }]
            : [{ secretKey: [] }, { adminSession: [], csrfToken: [] }],
        )
        expect(operation.responses['401']?.description, where).toContain('missing_api_key')
      } else if (path.startsWith('/v1/webhooks/')) {
        expect(operation.security, where).toEqual([{ webhookSignature: [] }])
      } else {
        expect(operation.security, where).toEqual([])
        if (path.startsWith('/v1/')) expect(operation.description, where).toContain('public key')
      }
    }
    expect(document.components?.securitySchemes).toMatchObject({
      secretKey: { type: 'http', scheme: 'bearer' },
      adminSession: { type: 'apiKey', in: 'cookie', name: 'stammis_session' },
      csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      webhookSignature: { type: 'apiKey', in: 'header', name: 'Stammis-Signature' },
    })
  })

  it('answers every error with the error body, under the status its code has', () => {
    for (const { path, method, operation } of operations) {
      const errorStatuses = Object.keys(operation.responses).filter((status) => status >= '400')
      expect(errorStatuses, `${method} ${path}`).toContain('500')
      for (const status of errorStatuses) {
        const response = operation.responses[status]!
        expect(response.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ErrorBody',
        })
        const codes = [...response.description.matchAll(/`([a-z_]+)`:/g)].map((match) => match[1])
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0)
        for (const code of codes) {
          expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status).toBe(Number(status))
        }
      }
    }
  })

  it('documents every body an operation takes', () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody)
    expect(withBody.map(({ method, path }) => `${method} ${path}`)).toContain('post /v1/events')
    for (const { operation } of withBody) {
      expect(operation.requestBody!.content['application/json']?.schema).toBeTruthy()
      expect(operation.responses['400']?.description).toContain('invalid_request')
    }
  })

  it('renders answers as they are sent: strict objects, defaults filled in', () => {
    const events = document.paths?.['/v1/events']?.post?.responses?.['200'] as {
      content: { 'application/json': { schema: Record<string, unknown> } }
    }
    expect(events.content['application/json'].schema).toMatchObject({
      required: ['accepted', 'duplicates', 'profile'],
      additionalProperties: false,
    })
    // A rule's `priority` has a default: optional in a request, always present in an answer.
    const schemas = document.components?.schemas as Record<string, { required?: string[] }>
    expect(schemas.Rule?.required).not.toContain('priority')
    expect(schemas.RuleOutput?.required).toContain('priority')
  })
})

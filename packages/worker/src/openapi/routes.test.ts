import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { SESSION_COOKIE } from '../sessions/queries'

type OpenApi = {
  openapi: string
  paths: Record<string, Record<string, unknown>>
  components: { securitySchemes: Record<string, { name?: string }> }
}

async function fetchDocument(): Promise<{ response: Response; document: OpenApi }> {
  const response = await SELF.fetch('https://worker.test/openapi.json')
  return { response, document: (await response.json()) as OpenApi }
}

/** `method path` of every route the app serves, in OpenAPI's form (`:id` → `{id}`). */
function servedRoutes(): string[] {
  const routes = createApp()
    .routes // `app.use` middleware is listed with the method ALL: not a route of its own.
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
  return [...new Set(routes)].sort()
}

function documentedRoutes(document: OpenApi): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort()
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document, public and cacheable for 5 minutes', async () => {
    const { response, document } = await fetchDocument()
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(document.openapi).toMatch(/^3\.1\.\d+$/)
    // The same document on every request (built once per isolate).
    expect(await (await SELF.fetch('https://worker.test/openapi.json')).json()).toEqual(document)
  })

  it('documents every route the app serves under /v1, and none it does not', async () => {
    const { document } = await fetchDocument()
    // The operator routes (/v1/ops/*, src/ops/) are the deployment operator's, not the API's: they
    // do not exist without an OPS_TOKEN, and no site key opens them (README, "Sites and keys").
    const served = servedRoutes().filter(
      (route) => route.split(' ')[1]!.startsWith('/v1/') && !route.includes(' /v1/ops/'),
    )
    expect(served.length).toBeGreaterThan(30)
    const documented = documentedRoutes(document).filter((route) =>
      route.split(' ')[1]!.startsWith('/v1/'),
    )
    expect(documented).toEqual(served)
  })

  it('documents the script and itself, which the app serves outside /v1', async () => {
    const { document } = await fetchDocument()
    const served = servedRoutes()
    for (const route of ['get /s.js', 'get /edge.js', 'get /preview.js', 'get /openapi.json']) {
      expect(served).toContain(route)
      expect(documentedRoutes(document)).toContain(route)
    }
  })

  it('names the admin session cookie the worker sets', async () => {
    const { document } = await fetchDocument()
    expect(document.components.securitySchemes.adminSession?.name).toBe(SESSION_COOKIE)
  })
})

import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../app'

/** Through the whole app, as `pnpm bench` reaches it (BENCH_ROUTES=on). */
const write = (body: string) =>
  createApp().request(
    'https://worker.test/__bench/write',
    { method: 'POST', body, headers: { 'content-type': 'text/plain' } },
    { ...env, BENCH_ROUTES: 'on' },
  )

describe('the one-D1-write reference route (pnpm bench)', () => {
  it('parses the JSON body and stores one row per request, creating its table on demand', async () => {
    const first = await write(JSON.stringify({ site: 'pk_demo', events: [{ id: 'a' }] }))
    expect(first.status).toBe(200)
    const { id } = (await first.json()) as { id: number }
    const second = (await (await write('{"n":2}')).json()) as { id: number }
    expect(second.id).toBe(id + 1)
    const row = await env.DB.prepare('SELECT body FROM bench_writes WHERE id = ?1')
      .bind(second.id)
      .first<{ body: string }>()
    expect(JSON.parse(row!.body)).toEqual({ n: 2 })
  })

  it('stores nothing for a body that is not JSON', async () => {
    await write('{}') // the table exists
    const before = await env.DB.prepare('SELECT count(*) AS n FROM bench_writes').first<{
      n: number
    }>()
    const response = await write('{nope')
    expect(response.status).toBe(400)
    const after = await env.DB.prepare('SELECT count(*) AS n FROM bench_writes').first<{
      n: number
    }>()
    expect(after!.n).toBe(before!.n)
  })
})

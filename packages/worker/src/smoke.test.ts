import { SELF, env } from 'cloudflare:test'
import { it, expect } from 'vitest'
it('works', async () => {
  const r = await SELF.fetch('http://x/')
  expect(await r.text()).toBe('ok')
  const row = await env.DB.prepare('select 1 as a').first()
  expect(row).toEqual({ a: 1 })
})

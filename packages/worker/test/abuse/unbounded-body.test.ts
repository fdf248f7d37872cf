// Attack: make the worker read an endless body. The order webhook and the sign-in form are public
// URLs; a route that reads the whole body before checking its size holds every byte a client
// streams (memory, CPU for the signature) before refusing it. Each must stop at its cap.
import { describe, expect, it } from 'vitest'
import { adminFetch, callWorker, createTestSite } from '../helpers'

const CHUNK = 64 * 1024
const STREAMED = 16 * 1024 * 1024

/** A 16 MB body sent in 64 KB chunks without a Content-Length, counting what the worker pulled. */
function endlessBody(byte: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= STREAMED) return controller.close()
      sent += CHUNK
      controller.enqueue(new Uint8Array(CHUNK).fill(byte))
    },
  })
  return { body, pulled: () => sent }
}

describe('abuse: endless request bodies', () => {
  it('stops reading a webhook delivery at 2 MB', async () => {
    const site = await createTestSite()
    await adminFetch('/v1/admin/site/webhook-secret', site.secretKey, { method: 'POST' })
    const { body, pulled } = endlessBody(0x20)
    const response = await callWorker(`/v1/webhooks/${site.publicKey}/orders`, {
      headers: {
        'content-type': 'application/json',
        'stammis-timestamp': String(Math.floor(Date.now() / 1000)),
        'stammis-signature': 'v1=00',
      },
      body,
    })
    expect(response.status).toBe(413)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    )
    expect(pulled()).toBeLessThanOrEqual(2 * 1024 * 1024 + 2 * CHUNK)
  })

  it('stops reading a sign-in form at its small cap', async () => {
    const { body, pulled } = endlessBody(0x61)
    const response = await callWorker('/admin/sign-in', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cf-connecting-ip': '203.0.113.10',
      },
      body,
    })
    expect(response.status).toBe(413)
    expect(pulled()).toBeLessThanOrEqual(4 * CHUNK)
  })
})

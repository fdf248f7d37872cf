import { describe, expect, it } from 'vitest'
import {
  constantTimeEqual,
  fromBase64url,
  hmacSha256,
  randomAlphanumeric,
  randomBase64url,
  randomHex,
  sha256Hex,
  toBase64url,
  toHex,
} from './crypto'

describe('crypto', () => {
  it('computes SHA-256 and HMAC-SHA256 as published test vectors say', async () => {
    // FIPS 180-2 "abc"; RFC 4231 test case 2.
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(toHex(await hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    // The imported key is cached per secret: a second call gives the same answer.
    expect(toHex(await hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
  })

  it('writes hex and base64url, and reads base64url back', () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe('0001abff')
    expect(toBase64url(new Uint8Array([251, 255]))).toBe('-_8')
    expect(toBase64url(new TextEncoder().encode('{"a":1}'))).toBe('eyJhIjoxfQ')
    expect([...fromBase64url('-_8')]).toEqual([251, 255])
    expect(new TextDecoder().decode(fromBase64url('eyJhIjoxfQ'))).toBe('{"a":1}')
    expect(() => fromBase64url('not base64!')).toThrow()
  })

  it('compares equal texts as equal and anything else as not', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'ab')).toBe(false)
    expect(constantTimeEqual('', '')).toBe(true)
  })

  it('makes random tokens of the asked size and alphabet', () => {
    expect(randomAlphanumeric(40)).toMatch(/^[0-9A-Za-z]{40}$/)
    expect(randomBase64url(32)).toMatch(/^[\w-]{43}$/)
    expect(randomHex(18)).toMatch(/^[0-9a-f]{36}$/)
    expect(randomHex(18)).not.toBe(randomHex(18))
  })
})

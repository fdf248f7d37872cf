import { describe, expect, it } from 'vitest'
import { isOriginAllowed } from './origins'

describe('isOriginAllowed', () => {
  it('matches exact origins only', () => {
    expect(isOriginAllowed(['https://shop.example'], 'https://shop.example')).toBe(true)
    expect(isOriginAllowed(['https://shop.example'], 'http://shop.example')).toBe(false)
    expect(isOriginAllowed(['https://shop.example'], 'https://shop.example.evil.com')).toBe(false)
    expect(isOriginAllowed(['https://shop.example'], 'https://shop.example:8443')).toBe(false)
  })

  it('treats :* as any port or none', () => {
    const local = ['http://localhost:*', 'http://127.0.0.1:*']
    expect(isOriginAllowed(local, 'http://localhost:5173')).toBe(true)
    expect(isOriginAllowed(local, 'http://127.0.0.1:8788')).toBe(true)
    expect(isOriginAllowed(local, 'http://localhost')).toBe(true)
    expect(isOriginAllowed(local, 'https://localhost:5173')).toBe(false)
    expect(isOriginAllowed(local, 'http://localhost.evil.com')).toBe(false)
    expect(isOriginAllowed(local, 'http://localhost:80.evil.com')).toBe(false)
  })

  it('treats *. as any subdomain', () => {
    expect(isOriginAllowed(['https://*.shop.example'], 'https://www.shop.example')).toBe(true)
    expect(isOriginAllowed(['https://*.shop.example'], 'https://eu.www.shop.example')).toBe(true)
    expect(isOriginAllowed(['https://*.shop.example'], 'https://shop.example')).toBe(false)
    expect(isOriginAllowed(['https://*.shop.example'], 'https://evil.com/.shop.example')).toBe(
      false,
    )
  })

  it('allows nothing with an empty list', () => {
    expect(isOriginAllowed([], 'https://shop.example')).toBe(false)
  })
})

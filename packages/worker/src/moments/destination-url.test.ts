import { describe, expect, it } from 'vitest'
import { checkDestinationUrl, isPublicHost } from './destination-url'

const production = { allowLocal: false }
const development = { allowLocal: true }

describe('moment destination URLs', () => {
  it('accepts https on public names and addresses', () => {
    expect(checkDestinationUrl('https://hooks.example.com/stammis?x=1', production)).toBeNull()
    expect(checkDestinationUrl('https://8.8.8.8/hook', production)).toBeNull()
    expect(checkDestinationUrl('https://[2606:4700::1111]/hook', production)).toBeNull()
  })

  it('refuses anything but https in production', () => {
    expect(checkDestinationUrl('http://hooks.example.com/', production)).toBe('not https')
    expect(checkDestinationUrl('ftp://hooks.example.com/', production)).toBe('not https')
    expect(checkDestinationUrl('not a url', production)).toBe('not a URL')
    expect(checkDestinationUrl('https://user:pw@hooks.example.com/', production)).toBe(
      'a URL with credentials in it',
    )
  })

  it('takes http on 127.0.0.1 and localhost only with the local-development switch', () => {
    expect(checkDestinationUrl('http://127.0.0.1:8787/hook', development)).toBeNull()
    expect(checkDestinationUrl('http://localhost:8787/hook', development)).toBeNull()
    expect(checkDestinationUrl('http://127.0.0.1:8787/hook', production)).toBe('not https')
    // The switch opens loopback, not the private network.
    expect(checkDestinationUrl('https://10.0.0.5/hook', development)).not.toBeNull()
  })

  it('tells public hosts from private ones at the range edges', () => {
    expect(isPublicHost('172.15.255.255')).toBe(true)
    expect(isPublicHost('172.16.0.0')).toBe(false)
    expect(isPublicHost('172.31.255.255')).toBe(false)
    expect(isPublicHost('172.32.0.0')).toBe(true)
    expect(isPublicHost('100.63.255.255')).toBe(true)
    expect(isPublicHost('100.64.0.0')).toBe(false)
    expect(isPublicHost('223.255.255.255')).toBe(true)
    expect(isPublicHost('224.0.0.1')).toBe(false)
    expect(isPublicHost('[2002:a9fe:a9fe::1]')).toBe(false)
    expect(isPublicHost('intranet')).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { storedEvent, storedUrl } from './stored-url'

describe('storedUrl', () => {
  it.each([
    [
      'https://shop.example/sale?utm_source=news&q=secret&utm_campaign=winter#top',
      'https://shop.example/sale?utm_source=news&utm_campaign=winter',
    ],
    ['https://shop.example/p/mug?ref=x', 'https://shop.example/p/mug'],
    ['https://shop.example/', 'https://shop.example/'],
    ['https://search.example/?q=my+e-mail%40example.com', 'https://search.example/'],
    ['https://user:pass@shop.example/a?UTM_Medium=mail', 'https://shop.example/a?UTM_Medium=mail'],
    [
      'https://shop.example/a?utm_term=winter%20sale',
      'https://shop.example/a?utm_term=winter+sale',
    ],
    ['/p/mug?variant=2&utm_source=ad#reviews', '/p/mug?utm_source=ad'],
    ['p/mug?x=1', '/p/mug'],
    ['', ''],
  ])('%s → %s', (url, stored) => {
    expect(storedUrl(url)).toBe(stored)
  })

  it('never stores more than the URL it was given', () => {
    const url = `https://shop.example/${'p'.repeat(1000)}?utm_source=${'s'.repeat(900)}&junk=${'j'.repeat(100)}`
    expect(storedUrl(url).length).toBeLessThanOrEqual(url.length)
    expect(storedUrl(url)).not.toContain('junk')
  })
})

describe('storedEvent', () => {
  it('cleans the URLs of visits and page views and leaves other events alone', () => {
    expect(
      storedEvent({
        id: 'a',
        type: 'visit',
        url: 'https://s.example/?a=1',
        referrer: 'https://r.example/?q=2',
      }),
    ).toEqual({
      id: 'a',
      type: 'visit',
      url: 'https://s.example/',
      referrer: 'https://r.example/',
    })
    expect(storedEvent({ id: 'b', type: 'visit' })).toEqual({ id: 'b', type: 'visit' })
    expect(storedEvent({ id: 'c', type: 'pageview', url: '/p?q=1' })).toEqual({
      id: 'c',
      type: 'pageview',
      url: '/p',
    })
    const track = {
      id: 'd',
      type: 'track' as const,
      name: 'search',
      props: { url: 'https://s.example/?q=kept' },
    }
    expect(storedEvent(track)).toBe(track)
  })
})

import { describe, expect, it } from 'vitest'
import { isBot } from './bots'

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

/** A request as workerd builds it, with `cf` set the way Cloudflare's edge would. */
function request(userAgent: string | null, cf?: Record<string, unknown>): Request {
  const headers: Record<string, string> = userAgent === null ? {} : { 'user-agent': userAgent }
  return new Request('https://worker.test/v1/events', { headers, cf: cf as RequestInit['cf'] })
}

describe('isBot', () => {
  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
    'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
    'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
    'some-crawler/1.0',
  ])('a crawler or headless browser: %s', (userAgent) => {
    expect(isBot(request(userAgent))).toBe(true)
  })

  it.each([
    CHROME,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.45 Mobile Safari/537.36',
    // Shop servers and scripts calling the API are not bots: only agents that say so are.
    'curl/8.5.0',
    'node',
    'undici',
  ])('a browser or an API client: %s', (userAgent) => {
    expect(isBot(request(userAgent))).toBe(false)
  })

  it('does not take a missing user agent for a bot', () => {
    expect(isBot(request(null))).toBe(false)
  })

  it("uses Cloudflare's bot score when present: below 30 is a bot, 0 (not computed) is not", () => {
    expect(isBot(request(CHROME, { botManagement: { score: 1 } }))).toBe(true)
    expect(isBot(request(CHROME, { botManagement: { score: 29 } }))).toBe(true)
    expect(isBot(request(CHROME, { botManagement: { score: 30 } }))).toBe(false)
    expect(isBot(request(CHROME, { botManagement: { score: 99 } }))).toBe(false)
    expect(isBot(request(CHROME, { botManagement: { score: 0 } }))).toBe(false)
    expect(isBot(request(null, { botManagement: { score: 12 } }))).toBe(true)
    expect(isBot(request(CHROME, { botManagement: { score: 90, verifiedBot: true } }))).toBe(true)
    expect(isBot(request(CHROME, { country: 'SE' }))).toBe(false)
  })
})

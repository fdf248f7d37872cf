/**
 * User agents of crawlers, link unfurlers and headless browsers. Only agents that say what they
 * are: a request without a user agent, or from curl or a server's HTTP client, is not a bot (shop
 * servers and our own tests call the API that way). `(?<!cu)bot` spares Cubot phones.
 */
const BOT_USER_AGENT =
  /(?<!cu)bot\b|crawl|spider|slurp|headless|phantomjs|lighthouse|pagespeed|prerender|facebookexternalhit|embedly|ia_archiver|mediapartners-google|google-inspectiontool|googleother|bingpreview|\+https?:\/\//i

/** Cloudflare's bot score: 1 is certainly automated, 2–29 likely automated, 0 not computed. */
const MIN_HUMAN_SCORE = 30

type BotManagement = { score?: number; verifiedBot?: boolean }

/**
 * Whether a request comes from a bot: its user agent names a crawler or headless browser, or
 * Cloudflare's Bot Management (when the zone has it) scores it below 30 or marks it a verified
 * bot. Bots are answered but neither tracked nor counted.
 * @example isBot(new Request('https://x', { headers: { 'user-agent': 'Googlebot/2.1' } })) // true
 * @example isBot(new Request('https://x')) // false: no user agent is not a bot
 */
export function isBot(request: Request): boolean {
  const userAgent = request.headers.get('user-agent')
  if (userAgent && BOT_USER_AGENT.test(userAgent)) return true
  const botManagement = (request.cf as { botManagement?: BotManagement } | undefined)?.botManagement
  if (!botManagement) return false
  if (botManagement.verifiedBot === true) return true
  const score = botManagement.score
  return typeof score === 'number' && score > 0 && score < MIN_HUMAN_SCORE
}

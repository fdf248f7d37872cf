import { hmac } from '../offers/codes'

/** Person ids of customers start with this; a visitor's own person id is its visitor id. */
export const CUSTOMER_PERSON_PREFIX = 'c:'

/**
 * How a customer id is stored: as given, unless it looks like an email address, which is stored
 * only as a salted hash (HMAC with the site's secret, of the trimmed, lowercased address), so no raw
 * email is ever written anywhere.
 * @example await customerKey('secret', 'Ana@Example.com') // 'h_5f0c…' (32 hex characters)
 * @example await customerKey('secret', 'cust-42') // 'cust-42'
 */
export async function customerKey(codeSecret: string, customerId: string): Promise<string> {
  const trimmed = customerId.trim()
  if (!trimmed.includes('@')) return trimmed
  const digest = await hmac(codeSecret, `customer:${trimmed.toLowerCase()}`)
  return `h_${[...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/** The person id all of a customer's visitors share. */
export async function customerPersonId(codeSecret: string, customerId: string): Promise<string> {
  return CUSTOMER_PERSON_PREFIX + (await customerKey(codeSecret, customerId))
}

import { hmacSha256, toHex } from '../lib/crypto'

/** Person ids of customers start with this; a visitor's own person id is its visitor id. */
export const CUSTOMER_PERSON_PREFIX = 'c:'

/**
 * Customer ids that are not email addresses are stored under this prefix, so no raw id (say one
 * shaped like `h_5f0c…`) can ever collide with a hashed email address.
 */
export const RAW_CUSTOMER_KEY_PREFIX = 'id:'

/**
 * How a customer id is stored: an email address (contains `@`) only as a salted hash (HMAC with the
 * site's secret, of the trimmed, lowercased address), so no raw email is ever written anywhere;
 * any other id trimmed, under `id:`.
 * @example await customerKey('secret', 'Ana@Example.com') // 'h_5f0c…' (32 hex characters)
 * @example await customerKey('secret', 'cust-42') // 'id:cust-42'
 */
export async function customerKey(codeSecret: string, customerId: string): Promise<string> {
  const trimmed = customerId.trim()
  if (!trimmed.includes('@')) return RAW_CUSTOMER_KEY_PREFIX + trimmed
  const digest = await hmacSha256(codeSecret, `customer:${trimmed.toLowerCase()}`)
  return `h_${toHex(digest.slice(0, 16))}`
}

/**
 * The person id all of a customer's visitors share.
 * @example await customerPersonId('secret', 'cust-42') // 'c:id:cust-42'
 */
export async function customerPersonId(codeSecret: string, customerId: string): Promise<string> {
  return CUSTOMER_PERSON_PREFIX + (await customerKey(codeSecret, customerId))
}

/**
 * Whether a person id is a customer's (rather than a visitor that never verifiably signed in).
 * @example isCustomerPerson('c:id:cust-42') // true
 */
export function isCustomerPerson(personId: string | null): personId is string {
  return personId !== null && personId.startsWith(CUSTOMER_PERSON_PREFIX)
}

const RAW_CUSTOMER_PERSON = CUSTOMER_PERSON_PREFIX + RAW_CUSTOMER_KEY_PREFIX

/**
 * The customer id the shop gave, back from a person id (`customerPersonId` the other way):
 * customers identified by their own id are stored as `c:id:<id>`. Customers identified by an
 * email address are stored only as a salted hash (`c:h_…`) and anonymous visitors have no
 * customer id: both give null (so they get no moments: the email tool could not name them).
 * @example customerIdOfPerson('c:id:cust-42') // 'cust-42'; customerIdOfPerson('c:h_5f0c…') // null
 */
export function customerIdOfPerson(personId: string): string | null {
  return personId.startsWith(RAW_CUSTOMER_PERSON)
    ? personId.slice(RAW_CUSTOMER_PERSON.length)
    : null
}

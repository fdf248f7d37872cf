import { CUSTOMER_PERSON_PREFIX, RAW_CUSTOMER_KEY_PREFIX } from '../identity/customer-key'

const RAW_CUSTOMER_PERSON = CUSTOMER_PERSON_PREFIX + RAW_CUSTOMER_KEY_PREFIX

/**
 * The customer id the shop's email tool knows, from a ledger person id: customers identified by
 * their own id are stored as `c:id:<id>`, so the id comes back as it was given. Customers
 * identified by an email address are stored only as a salted hash (`c:h_…`) and anonymous
 * visitors have no customer id: both give null, and get no moments.
 * @example customerIdOfPerson('c:id:cust-42') // 'cust-42'; customerIdOfPerson('c:h_5f0c…') // null
 */
export function customerIdOfPerson(personId: string): string | null {
  return personId.startsWith(RAW_CUSTOMER_PERSON)
    ? personId.slice(RAW_CUSTOMER_PERSON.length)
    : null
}

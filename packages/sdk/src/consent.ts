import { L, read } from './util'

/** Where the visitor's choice is kept: '1' granted, '0' refused. */
export const CONSENT = 'stm_c'

/**
 * Whether we may store and send, at start-up. A recorded choice wins ('1' granted, '0' refused);
 * otherwise consent is implied unless the site requires it, or opted in to honour the Global
 * Privacy Control signal and the browser sends it.
 */
export const initialConsent = (required: boolean, respectGpc: boolean): boolean => {
  const stored = read(L, CONSENT)
  return stored
    ? stored == '1'
    : !required && !(respectGpc && (navigator as any).globalPrivacyControl)
}

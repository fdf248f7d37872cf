import { fromBase64url, toBase64url, utf8Bytes, utf8Text } from '../src/lib/crypto'

// Reading and editing profile tokens as a browser could: the payload is plain base64url JSON;
// only the signature needs the site's key (`signedToken` in src/profile-token/token.ts).

/**
 * The fields of a token's payload.
 * @example tokenFields(answer.profileToken)[0] // 1, the version
 */
export function tokenFields(token: string): unknown[] {
  return JSON.parse(utf8Text(fromBase64url(token.split('.')[0]!))) as unknown[]
}

/**
 * The token with its payload replaced by `fields` and its signature kept: an edited token.
 * @example withFields(token, tokenFields(token).map((field, i) => (i === 5 ? 7 : field)))
 */
export function withFields(token: string, fields: readonly unknown[]): string {
  const signature = token.split('.')[1]!
  return `${toBase64url(utf8Bytes(JSON.stringify(fields)))}.${signature}`
}

/**
 * Which of 10,000 buckets a visitor falls in for a rule: FNV-1a over "ruleId:visitorId". Stable
 * across requests, isolates and deploys, and independent between rules, so being held out of one
 * rule says nothing about another.
 * @example holdoutBucket('hero-returning', 'V1StGXR8_Z5jdHi6B-myT') // 0..9999
 */
export function holdoutBucket(ruleId: string, visitorId: string): number {
  const text = `${ruleId}:${visitorId}`
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // A final avalanche (from murmur3) so similar ids spread evenly over the buckets.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return (hash >>> 0) % 10_000
}

/** A holdout of 10% puts buckets 0..999 in the control group. */
export function isHeldOut(ruleId: string, visitorId: string, holdoutPercent: number): boolean {
  return holdoutBucket(ruleId, visitorId) < Math.round(holdoutPercent * 100)
}

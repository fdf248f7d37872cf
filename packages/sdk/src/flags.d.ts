/**
 * Build flags, replaced by constants in each bundle (scripts/build.mjs), so code a bundle does
 * not need is compiled out of it.
 *
 * | bundle       | DEV   | TAG   | PREVIEW | ANTI_FLICKER | EDGE  |
 * | ------------ | ----- | ----- | ------- | ------------ | ----- |
 * | `s.js`       | false | true  | false   | true         | false |
 * | `edge.js`    | false | true  | false   | false        | true  |
 * | `preview.js` | false | true  | true    | true         | true  |
 * | `index.js`   | true  | false | true    | true         | true  |
 *
 * The `*.dev.js` twins of the script-tag bundles are the same with DEV true, unminified.
 */

/** Development warnings (console) for misuse. */
declare const DEV: boolean
/** A script-tag bundle: options are the tag's `data-*` strings, never booleans or numbers. */
declare const TAG: boolean
/** Preview links are handled here; otherwise the script hands them over to `preview.js`. */
declare const PREVIEW: boolean
/** `data-anti-flicker` hiding. Pages the Stammis edge personalized have nothing to hide. */
declare const ANTI_FLICKER: boolean
/**
 * Pages the Stammis edge personalized: slots it filled (`data-stammis-filled`) are neither
 * decided nor rendered, and the visit and profile token are mirrored into the cookies the edge
 * reads and sets (`stm_s`, `stm_p`), which win over storage. `s.js` (pages without the edge) keeps
 * them in storage only, as before edge mode.
 */
declare const EDGE: boolean

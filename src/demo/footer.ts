// The last line `npm run demo` prints: where its code is and what to read next.

/**
 * The closing line of the demo.
 *
 * @example
 * ```ts
 * console.log(DEMO_FOOTER); // names src/demo/ and docs/pie.md, docs/flame.md
 * ```
 */
export const DEMO_FOOTER =
  'The code of this demo is in src/demo/ (flame-demo.ts, pie-demo.ts); read docs/flame.md and docs/pie.md next.';

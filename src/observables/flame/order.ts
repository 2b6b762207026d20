/**
 * Plain code-unit order of two strings (stable across locales), for sorting list answers
 * whose server order is unspecified.
 *
 * @example
 * ```ts
 * import { compareText } from 'flame-pie-rx/flame';
 * ['b', 'a'].sort(compareText); // => ['a', 'b']
 * ```
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Order of decimal task ids by number ('2' before '10').
 *
 * @example
 * ```ts
 * import { compareTaskIds } from 'flame-pie-rx/flame';
 * ['10', '2'].sort(compareTaskIds); // => ['2', '10']
 * ```
 */
export function compareTaskIds(a: string, b: string): number {
  return a.length - b.length || compareText(a, b);
}

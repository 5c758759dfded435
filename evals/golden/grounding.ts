/**
 * Answer grounding: every number an answer states must come from a query the investigation ran. A number is
 * grounded when a result cell rounds to it at the precision it is written with (42.9% for 0.4287 as a percentage,
 * 11,833,296 for 11833295.69), when the question or a query's text states it ("the first 60 days"), or when it is
 * too small to be a claim (0..31: ranks, "top 5", days) or a year. What is left is a number no query produced: a made-up figure.
 */
import { normalizeValue } from '../comparator.js';
import { numbersIn } from './score.js';

function decimalsOf(text: string): number {
  const fraction = /\.(\d+)$/.exec(text.replace(/,/g, ''));
  return fraction?.[1]?.length ?? 0;
}

function resultNumbers(results: readonly (readonly unknown[])[][]): number[] {
  const values = new Set<number>();
  for (const rows of results)
    for (const row of rows)
      for (const cell of row) {
        const v = normalizeValue(cell);
        if (v.kind === 'number' && Number.isFinite(v.value)) values.add(v.value);
      }
  return [...values];
}

/** Numbers stated in `text` that no result (rows of each SQL result) supports; `given`: the question and SQL text. */
export function ungroundedNumbers(text: string, given: string, results: readonly (readonly unknown[])[][]): number[] {
  const cells = resultNumbers(results);
  const asked = new Set(numbersIn(given).map(Math.abs));
  const out: number[] = [];
  for (const match of text.matchAll(/-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g)) {
    const written = match[0];
    const n = Math.abs(Number(written.replace(/,/g, '')));
    if (!Number.isFinite(n)) continue;
    if ((Number.isInteger(n) && n <= 31) || (Number.isInteger(n) && n >= 1900 && n <= 2100) || asked.has(n)) continue;
    const half = 0.5 * 10 ** -decimalsOf(written) + 1e-9;
    const near = (v: number) => Math.abs(Math.abs(v) - n) <= half || Math.abs(Math.abs(v * 100) - n) <= half;
    if (!cells.some(near)) out.push(Number(written.replace(/,/g, '')));
  }
  return out;
}

import type { QueryResult } from '../sql/index.js';

/** What a masked value becomes. NULL stays NULL (whether a value exists is not masked). */
export const MASKED_VALUE = '[masked]';

/** Replaces the values of the named result columns (case-insensitive) with MASKED_VALUE. */
export function maskResult<T extends QueryResult>(result: T, maskedColumns: readonly string[]): T {
  if (maskedColumns.length === 0) return result;
  const wanted = new Set(maskedColumns.map((c) => c.toLowerCase()));
  const indexes = result.columns.flatMap((c, i) => (wanted.has(c.name.toLowerCase()) ? [i] : []));
  if (indexes.length === 0) return result;
  const rows = result.rows.map((row) => {
    const copy = [...row];
    for (const i of indexes) if (copy[i] !== null && copy[i] !== undefined) copy[i] = MASKED_VALUE;
    return copy;
  });
  return { ...result, rows };
}

import type { QueryResult } from '../sql/types.js';
import { dataBlock } from './privacy.js';

/**
 * Large results never go whole into the model's context: the model sees the first rows, the row count, whether the
 * cap cut the result, and per-column stats over the rows returned. Everything that came from the database (column
 * names, rows, stats) is inside one <data> block: it is data, never instructions (see the system prompt).
 */
export interface SummaryOptions {
  maxRows?: number;
  maxCellChars?: number;
  maxChars?: number;
}

export function summarizeResult(result: QueryResult, options: SummaryOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  const maxCell = options.maxCellChars ?? 80;
  const maxChars = options.maxChars ?? 6000;
  const header = result.columns.map((c) => `${c.name} (${c.type})`).join(', ');
  const shown = Math.min(result.rowCount, maxRows);
  const data = [
    `columns: ${header}`,
    result.columns.map((c) => csvCell(c.name, maxCell)).join(','),
    ...result.rows.slice(0, shown).map((row) => row.map((v) => csvCell(v, maxCell)).join(',')),
  ];
  if (result.rowCount > shown) data.push(`column stats over ${result.rowCount} rows: ${columnStats(result)}`);
  let body = data.join('\n');
  const cut = body.length > maxChars;
  if (cut) body = body.slice(0, maxChars);
  const counts = `rows: ${result.rowCount}${result.truncated ? ' (cut at the row cap: more rows exist)' : ''}${
    shown < result.rowCount ? `, showing the first ${shown}` : ''
  }`;
  return `${counts}\n${dataBlock('database', body)}${cut ? `\n…(summary cut at ${maxChars} characters)` : ''}`;
}

export function columnStats(result: QueryResult): string {
  return result.columns
    .map((column, index) => {
      const values = result.rows.map((row) => row[index]);
      const nonNull = values.filter((v) => v !== null && v !== undefined);
      const distinct = new Set(nonNull.map((v) => String(v))).size;
      const numbers = nonNull.map(Number).filter((n) => Number.isFinite(n));
      const range =
        numbers.length === nonNull.length && numbers.length > 0
          ? ` min ${Math.min(...numbers)} max ${Math.max(...numbers)}`
          : '';
      return `${column.name}: nulls ${values.length - nonNull.length}, distinct ${distinct}${range}`;
    })
    .join('; ');
}

function csvCell(value: unknown, maxChars: number): string {
  let text =
    value === null || value === undefined ? 'NULL' : value instanceof Date ? value.toISOString() : String(value);
  if (text.length > maxChars) text = `${text.slice(0, maxChars - 1)}…`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""').replace(/\r?\n/g, ' ')}"` : text;
}

/** Hints for results that deserve a second look before they are trusted. Empty when nothing looks off. */
export function resultHints(sql: string, result: QueryResult): string[] {
  const hints: string[] = [];
  if (result.rowCount === 0) {
    hints.push(
      'The query returned no rows. Check filters, date ranges and the exact values stored (profile_column or sample_rows) before concluding there is no data.',
    );
    return hints;
  }
  result.columns.forEach((column, index) => {
    if (result.rows.every((row) => row[index] === null)) {
      hints.push(`Column ${column.name} is NULL in every returned row: check the join condition or the column choice.`);
    }
  });
  if (/\bjoin\b/i.test(sql) && duplicateShare(result) > 0.1) {
    hints.push(
      'Many returned rows are exact duplicates and the query joins tables: a one-to-many join may be multiplying rows (check join keys, or aggregate before joining).',
    );
  }
  if (result.truncated) hints.push('The result was cut at the row cap; aggregate in SQL instead of reading all rows.');
  return hints;
}

function duplicateShare(result: QueryResult): number {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const row of result.rows) {
    const key = JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    if (seen.has(key)) duplicates++;
    else seen.add(key);
  }
  return result.rows.length === 0 ? 0 : duplicates / result.rows.length;
}

/** Normalise SQL for "same statement" checks and cache keys: collapse whitespace, drop trailing semicolons. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/[\s;]+$/, '')
    .trim();
}

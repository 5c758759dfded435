/**
 * Small result tables as monospaced text (inside a code block), and cell formatting shared with CSV export.
 * Cells are truncated and flattened to one line; the code block escapes them (see escape.ts).
 */
import { writeCsv } from '../../common/csv.js';
import { columnKind, formatCell, type NumberFormat, numericValue } from '../../common/numbers.js';
import { codeBlock, defangSchemes, oneLine, truncate } from './escape.js';

export interface TableOptions {
  maxRows?: number;
  maxColumns?: number;
  maxCell?: number;
  /** Cap for the whole code block, in characters. */
  maxChars?: number;
  /** Numbers for readers (separators, currency, percent by column name); raw values when omitted. */
  format?: NumberFormat;
}

/** A cell as text: NULL, dates as ISO, everything else via String. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid date' : value.toISOString();
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** Renders the first rows as an aligned text table in a code block; '' when there are no columns. */
export function renderTable(
  columns: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const maxRows = options.maxRows ?? 8;
  const maxColumns = options.maxColumns ?? 6;
  const maxCell = options.maxCell ?? 28;
  if (columns.length === 0) return '';
  const shownColumns = columns.slice(0, maxColumns);
  const kinds = shownColumns.map((c) => columnKind(c.name));
  const { format } = options;
  const cell = (value: unknown, i: number) =>
    truncate(oneLine((format && formatCell(value, kinds[i]!, format)) ?? cellText(value)), maxCell);
  const header = shownColumns.map((c) => truncate(oneLine(c.name), maxCell));
  const body = rows.slice(0, maxRows).map((row) => shownColumns.map((_, i) => cell(row[i], i)));
  const numeric = shownColumns.map((_, i) =>
    rows.slice(0, maxRows).some((row) => isNumeric(row[i]) || (format && numericValue(row[i]) !== undefined)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const lines = [
    header.map(pad).join(' | ').trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map((r) => r.map(pad).join(' | ').trimEnd()),
  ];
  const hiddenColumns = columns.length - shownColumns.length;
  if (hiddenColumns > 0) lines.push(`(+${hiddenColumns} more column${hiddenColumns === 1 ? '' : 's'})`);
  return codeBlock(lines.join('\n'), options.maxChars ?? 2900);
}

/**
 * CSV for a file posted to Slack: the one CSV writer (RFC 4180, formula guard; see src/common/csv.ts) with URL
 * schemes defanged (a file posted to a channel is no place for a link chosen by the data or the model).
 */
export function toCsv(columns: readonly { name: string }[], rows: readonly (readonly unknown[])[]): string {
  return writeCsv(
    columns.map((c) => c.name),
    rows,
    { text: defangSchemes },
  );
}

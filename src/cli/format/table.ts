import { cellText } from './cell.js';

export interface TableOptions {
  /** Longest cell shown; longer text is cut with an ellipsis. */
  maxCellWidth?: number;
}

/**
 * A plain-text table for terminals: header, separator, rows; numbers right-aligned. Control characters in cells
 * are shown escaped so data cannot move the cursor or fake output lines.
 */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const maxWidth = options.maxCellWidth ?? 60;
  const header = columns.map((c) => clip(sanitize(c), maxWidth));
  const body = rows.map((row) => columns.map((_, i) => clip(sanitize(cellText(row[i])), maxWidth)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => isNumeric(row[i])));
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)];
  return out.map((l) => l.trimEnd()).join('\n');
}

function isNumeric(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
  );
}

function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function clip(text: string, max: number): string {
  return [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
}

function width(text: string): number {
  return [...text].length;
}

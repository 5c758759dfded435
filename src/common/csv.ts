/**
 * The one CSV writer for every export (`sleuth sql --format csv`, `sleuth audit --format csv`, CSV files posted to
 * Slack): RFC 4180 (fields with a comma, quote, CR or LF are quoted, quotes doubled, CRLF line ends) with a guard
 * against spreadsheet formula injection. Query results and the audit log carry text chosen by whoever wrote the data
 * or the question; a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
 * spreadsheet programs, so such a text cell (header included) gets a leading `'`. A plain number (`-12.5`, also when
 * a driver returns a decimal as text) is left as it is: it cannot be a formula.
 */

export interface CsvOptions {
  /** A last rewrite of each cell's text before quoting (Slack defangs URL schemes). */
  text?: (text: string) => string;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A value as CSV text before quoting: NULL empty, dates as ISO, bytes as their length, objects as JSON. */
export function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** One field: formula-guarded, then quoted when needed. */
export function csvField(value: unknown, options: CsvOptions = {}): string {
  let text = csvText(value);
  if (options.text) text = options.text(text);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, CRLF-terminated. */
export function writeCsv(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: CsvOptions = {},
): string {
  const lines = [header.map((name) => csvField(name, options)).join(',')];
  for (const row of rows) lines.push(header.map((_, i) => csvField(row[i], options)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

import { cellText } from './cell.js';

/** RFC 4180 CSV: fields with comma, quote, CR or LF are quoted; quotes doubled; CRLF line ends. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map((value) => csvField(value === null ? '' : cellText(value))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

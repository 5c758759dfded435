/** Quoting for identifiers and literals built from catalog names (never from free text). */
export function quoteDoubleIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteBacktickIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Standard SQL literal (PostgreSQL with standard_conforming_strings, SQLite). */
export function quoteStandardLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** MySQL/MariaDB literal: backslashes are escapes there. */
export function quoteMysqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function toNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function toText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

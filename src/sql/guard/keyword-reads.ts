/**
 * Keywords node-sql-parser reads as names (MariaDB and SQLite), found from the tokens, which follow the server's
 * own reading. Measured against the real servers (every keyword of MariaDB 10.11 and SQLite 3 in the select list and
 * before JOIN; see test/unit/sql/keyword-reads.test.ts):
 * - MariaDB `SELECT BINARY email` runs BINARY on email; the parser sees a column `BINARY` aliased `email`, so email
 *   would be neither checked nor masked. The same for the select modifiers DISTINCTROW, HIGH_PRIORITY,
 *   STRAIGHT_JOIN and UNIQUE. Such a statement is refused: the guard cannot know what it uses.
 * - SQLite `a NATURAL JOIN b` joins on every shared column; the parser sees `a AS natural JOIN b`. An unquoted
 *   NATURAL (a keyword in both dialects) therefore counts as a read of every column of every table of the statement,
 *   so the policy refuses it when any of those columns is denied or masked.
 * - MariaDB `SELECT @x := secret` assigns a user variable: session state that outlives the statement (the adapter
 *   also resets each pooled connection before use). Refused like SET.
 */
import type { SqlDialect } from '../dialect.js';
import type { ColumnRef, GuardVerdict } from '../types.js';
import type { Token } from './lexer.js';

const READ_AS_NAMES: Record<Exclude<SqlDialect, 'postgres'>, ReadonlySet<string>> = {
  mariadb: new Set(['binary', 'distinctrow', 'high_priority', 'straight_join', 'unique']),
  sqlite: new Set<string>(),
};

/** Unquoted keywords as written (not after a `.`, where MariaDB takes any word as a name), among `wanted`. */
function keywords(tokens: readonly Token[], wanted: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word' || !wanted.has(token.lower)) continue;
    const previous = tokens[i - 1];
    if (!(previous?.kind === 'punct' && previous.text === '.')) out.add(token.lower);
  }
  return out;
}

/** The keywords the checks below look for, per dialect. */
const WANTED: Record<Exclude<SqlDialect, 'postgres'>, ReadonlySet<string>> = {
  mariadb: new Set([...READ_AS_NAMES.mariadb, 'natural']),
  sqlite: new Set([...READ_AS_NAMES.sqlite, 'natural']),
};

/** `:=` written as one operator (MariaDB needs the two characters adjacent). */
function assigns(tokens: readonly Token[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'punct' || token.text !== ':') continue;
    const next = tokens[i + 1]!;
    if (next.kind === 'punct' && next.text === '=' && next.start === token.end) return true;
  }
  return false;
}

export function checkKeywordReads(
  verdict: GuardVerdict,
  tokens: readonly Token[],
  dialect: Exclude<SqlDialect, 'postgres'>,
): GuardVerdict {
  if (!verdict.allowed) return verdict;
  if (dialect === 'mariadb' && assigns(tokens)) {
    return {
      allowed: false,
      dialect,
      code: 'SESSION_CONTROL',
      reason: 'Assigning a user variable (@x := ...) changes session state and is not allowed.',
    };
  }
  const words = keywords(tokens, WANTED[dialect]);
  const misread = verdict.columns.find(
    (c) => READ_AS_NAMES[dialect].has(c.column.toLowerCase()) && words.has(c.column.toLowerCase()),
  );
  if (misread) {
    const keyword = misread.column.toUpperCase();
    return {
      allowed: false,
      dialect,
      code: 'PARSE_ERROR',
      reason: `The parser reads the keyword ${keyword} as a column name, so the columns it applies to cannot be checked; write CAST(x AS BINARY) for BINARY x, or leave ${keyword} out.`,
    };
  }
  if (!words.has('natural')) return verdict;
  // NATURAL JOIN compares every column the joined tables share: a read of all their columns
  const reads: ColumnRef[] = verdict.tables.map((t) => ({ table: t.name, column: '*', usage: 'read' }));
  return { ...verdict, columns: [...verdict.columns, ...reads] };
}

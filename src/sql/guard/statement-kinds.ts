/**
 * Statement kinds for MariaDB and SQLite, decided from tokens: EXPLAIN prefixes are peeled off so the inner query is
 * parsed and checked like any other; SHOW/DESCRIBE/PRAGMA are allowed only in their read-only shapes.
 */
import type { StatementKind, TableRef } from '../types.js';
import type { KindResult } from './check.js';
import { SQLITE_PRAGMA_ALLOWED } from './deny-list.js';
import type { Token } from './lexer.js';

function word(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.lower);
}

function punct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function isName(token: Token | undefined): boolean {
  return token?.kind === 'word' || token?.kind === 'quoted';
}

function bodyFrom(tokens: readonly Token[], index: number, sql: string): string {
  return sql.slice(tokens[index]!.start, tokens[tokens.length - 1]!.end);
}

function ok(kind: StatementKind, body: string | undefined, tables: TableRef[] = []): KindResult {
  return { ok: true, kind, body, tables };
}

function forbidden(reason: string): KindResult {
  return { ok: false, code: 'FORBIDDEN_STATEMENT', reason };
}

/** Reads `name` or `schema.name` at index; returns the table and the index after it. */
function tableAt(tokens: readonly Token[], index: number): { table: TableRef; next: number } | undefined {
  if (!isName(tokens[index])) return undefined;
  if (punct(tokens[index + 1], '.') && isName(tokens[index + 2])) {
    return { table: { schema: tokens[index]!.lower, name: tokens[index + 2]!.lower }, next: index + 3 };
  }
  return { table: { name: tokens[index]!.lower }, next: index + 1 };
}

function queryStart(tokens: readonly Token[], index: number): boolean {
  return word(tokens[index], 'select', 'with', 'values') || punct(tokens[index], '(');
}

export function classifyMariadb(tokens: readonly Token[], sql: string): KindResult {
  const first = tokens[0]!;
  if (!word(first, 'explain', 'describe', 'desc', 'show'))
    return ok(first.lower === 'values' ? 'values' : 'select', sql);
  if (first.lower === 'show') return classifyMariadbShow(tokens);
  let i = 1;
  if (word(tokens[i], 'analyze', 'analyse')) {
    return { ok: false, code: 'EXPLAIN_ANALYZE', reason: 'EXPLAIN ANALYZE runs the statement; it is not allowed.' };
  }
  if (word(tokens[i], 'extended', 'partitions')) i++;
  else if (
    word(tokens[i], 'format') &&
    punct(tokens[i + 1], '=') &&
    word(tokens[i + 2], 'json', 'traditional', 'tree')
  ) {
    i += 3;
  }
  if (queryStart(tokens, i)) return ok('explain', bodyFrom(tokens, i, sql));
  // DESCRIBE table [column]
  const target = tableAt(tokens, i);
  if (target && i === 1) {
    const rest = tokens.length - target.next;
    if (rest === 0 || (rest === 1 && (isName(tokens[target.next]) || tokens[target.next]!.kind === 'string'))) {
      return ok('describe', undefined, [target.table]);
    }
  }
  return forbidden(`This ${first.lower.toUpperCase()} form is not allowed; use EXPLAIN SELECT ... or DESCRIBE table.`);
}

/** SHOW forms that only read catalog information. */
function classifyMariadbShow(tokens: readonly Token[]): KindResult {
  let i = 1;
  if (word(tokens[i], 'full')) i++;
  const what = tokens[i];
  let tables: TableRef[] = [];
  if (word(what, 'tables', 'databases', 'schemas')) {
    i++;
  } else if (word(what, 'table') && word(tokens[i + 1], 'status')) {
    i += 2;
  } else if (word(what, 'columns', 'fields', 'index', 'indexes', 'keys')) {
    if (!word(tokens[i + 1], 'from', 'in')) return forbidden('SHOW COLUMNS/INDEX needs FROM <table>.');
    const target = tableAt(tokens, i + 2);
    if (!target) return forbidden('SHOW COLUMNS/INDEX needs FROM <table>.');
    tables = [target.table];
    i = target.next;
  } else if (word(what, 'create') && word(tokens[i + 1], 'table', 'view')) {
    const target = tableAt(tokens, i + 2);
    if (!target || target.next !== tokens.length) return forbidden('SHOW CREATE TABLE needs exactly one table name.');
    return ok('show', undefined, [target.table]);
  } else {
    return forbidden(
      'Only SHOW TABLES, SHOW COLUMNS, SHOW INDEX, SHOW CREATE TABLE/VIEW, SHOW TABLE STATUS and SHOW DATABASES are allowed.',
    );
  }
  if (word(tokens[i], 'from', 'in') && isName(tokens[i + 1])) i += 2;
  if (i === tokens.length) return ok('show', undefined, tables);
  if (word(tokens[i], 'like') && tokens[i + 1]?.kind === 'string' && i + 2 === tokens.length) {
    return ok('show', undefined, tables);
  }
  return forbidden("SHOW accepts only FROM <database> and LIKE 'pattern' here.");
}

export function classifySqlite(tokens: readonly Token[], sql: string): KindResult {
  const first = tokens[0]!;
  if (word(first, 'pragma')) return classifySqlitePragma(tokens);
  if (!word(first, 'explain')) return ok(first.lower === 'values' ? 'values' : 'select', sql);
  let i = 1;
  if (word(tokens[i], 'query') && word(tokens[i + 1], 'plan')) i += 2;
  if (queryStart(tokens, i)) return ok('explain', bodyFrom(tokens, i, sql));
  return forbidden('Only EXPLAIN [QUERY PLAN] SELECT ... is allowed.');
}

function classifySqlitePragma(tokens: readonly Token[]): KindResult {
  let i = 1;
  if (isName(tokens[i]) && punct(tokens[i + 1], '.')) i += 2;
  const name = tokens[i];
  if (!isName(name) || !SQLITE_PRAGMA_ALLOWED.has(name!.lower)) {
    return {
      ok: false,
      code: 'SESSION_CONTROL',
      reason: `PRAGMA ${name?.text ?? ''} can change the connection; only schema-reading pragmas (table_info, index_list, ...) are allowed.`,
    };
  }
  i++;
  if (i === tokens.length) return ok('show', undefined);
  const arg = tokens[i + 1];
  if (
    punct(tokens[i], '(') &&
    (isName(arg) || arg?.kind === 'string') &&
    punct(tokens[i + 2], ')') &&
    i + 3 === tokens.length
  ) {
    return ok('show', undefined, [{ name: arg!.kind === 'string' ? arg!.text.slice(1, -1) : arg!.lower }]);
  }
  return { ok: false, code: 'SESSION_CONTROL', reason: 'PRAGMA may only read: use PRAGMA name or PRAGMA name(table).' };
}

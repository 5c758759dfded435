/**
 * The guard pipeline: one SQL text + dialect + policy -> verdict. Pure and synchronous.
 *
 * Threat model: the input may come from a model steered by prompt injection, a user, the HTTP API or an MCP client.
 * It must not be able to write, change the session, read server files, reach the network, sleep or lock. The guard
 * is the first of three layers (then the read-only transaction with timeout and row cap, then a read-only role), so
 * it errs on the side of refusing: anything it cannot classify is rejected.
 *
 * Order: length -> lexer (comments, quotes, executable comments) -> exactly one statement -> token scans (denied
 * functions, writes anywhere, INTO, locking) -> statement kind from the leading keyword -> the dialect's parser
 * (libpg-query for PostgreSQL, node-sql-parser for MariaDB and SQLite) walks the whole tree. The text that runs is
 * the input with only surrounding whitespace, comments and semicolons removed.
 */
import type { SqlDialect } from '../dialect.js';
import type { GuardCode, GuardPolicy, GuardVerdict, StatementKind } from '../types.js';
import { STATEMENT_KEYWORD_CODES } from './deny-list.js';
import { analyzeWithNodeSqlParser } from './generic-ast.js';
import { NOT_CALLS, tokenCallProblem } from './generic-calls.js';
import { checkKeywordReads } from './keyword-reads.js';
import { lexSql, type Token } from './lexer.js';
import { analyzePostgres, type PostgresParse } from './postgres-ast.js';
import { classifyMariadb, classifySqlite } from './statement-kinds.js';
import { calledFunctionNames, scanTokens, splitStatements } from './tokens.js';

export const DEFAULT_MAX_SQL_LENGTH = 100_000;

export interface GuardParsers {
  parsePostgres: PostgresParse;
  /**
   * When true, a MariaDB/SQLite statement that passed every check before its grammar parse is not parsed here:
   * `checkSql` returns `undefined` and the caller parses it elsewhere (the worker pool, with a time budget).
   */
  deferGrammar?: boolean;
}

export function reject(dialect: SqlDialect, code: GuardCode, reason: string): GuardVerdict {
  return { allowed: false, dialect, code, reason };
}

export function checkSql(
  sql: string,
  dialect: SqlDialect,
  policy: GuardPolicy,
  parsers: GuardParsers & { deferGrammar?: false },
): GuardVerdict;
export function checkSql(
  sql: string,
  dialect: SqlDialect,
  policy: GuardPolicy,
  parsers: GuardParsers,
): GuardVerdict | undefined;
export function checkSql(
  sql: string,
  dialect: SqlDialect,
  policy: GuardPolicy,
  parsers: GuardParsers,
): GuardVerdict | undefined {
  let verdict: GuardVerdict | undefined;
  try {
    verdict = checkStatement(sql, dialect, policy, parsers);
  } catch (error) {
    // a parser or tree walk that runs out of stack: refused as too complex, never an internal error
    if (error instanceof RangeError) return reject(dialect, 'SQL_TOO_COMPLEX', TOO_COMPLEX_REASON);
    throw error;
  }
  if (verdict === undefined) return undefined;
  return verdict.allowed && verdict.functions === undefined ? { ...verdict, functions: [] } : verdict;
}

export const TOO_COMPLEX_REASON = 'The statement is too complex for the guard to analyse; simplify or split it.';

/** Where the query of an EXPLAIN starts (the first SELECT, WITH, VALUES or parenthesis), or 0. */
function bodyTokens(
  tokens: readonly Token[],
  kind: StatementKind,
  body: string | undefined,
): readonly Token[] | undefined {
  if (body === undefined) return undefined;
  if (kind !== 'explain') return tokens;
  const start = tokens.findIndex(
    (t, i) =>
      i > 0 &&
      ((t.kind === 'word' && ['select', 'with', 'values'].includes(t.lower)) || (t.kind === 'punct' && t.text === '(')),
  );
  return start < 0 ? undefined : tokens.slice(start);
}

/** The distinct names called (identifier then `(`), less syntax words: a verdict's `functions`. */
function verdictFunctions(called: readonly string[]): string[] {
  // a few names (the usual case): no set needed to drop repeats
  if (called.length <= 16) {
    const out: string[] = [];
    for (let i = 0; i < called.length; i++) {
      const name = called[i]!;
      if (called.indexOf(name) === i && !NOT_CALLS.has(name)) out.push(name);
    }
    return out;
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const name of called) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!NOT_CALLS.has(name)) out.push(name);
  }
  return out;
}

/** Adds the called functions to an allowed verdict (a fresh object made for this statement, so set in place). */
function withFunctions(verdict: GuardVerdict, called: readonly string[]): GuardVerdict {
  if (verdict.allowed) verdict.functions = verdictFunctions(called);
  return verdict;
}

function checkStatement(
  sql: string,
  dialect: SqlDialect,
  policy: GuardPolicy,
  parsers: GuardParsers,
): GuardVerdict | undefined {
  const maxLength = policy.maxLength ?? DEFAULT_MAX_SQL_LENGTH;
  if (sql.length > maxLength) {
    return reject(dialect, 'TOO_LONG', `The statement is ${sql.length} characters long; the limit is ${maxLength}.`);
  }
  const lexed = lexSql(sql, dialect);
  if (!lexed.ok) return reject(dialect, lexed.failure.code, lexed.failure.reason);
  const statements = splitStatements(lexed.tokens);
  if (statements.length === 0) {
    return reject(dialect, 'EMPTY_STATEMENT', 'The statement is empty (nothing but whitespace and comments).');
  }
  if (statements.length > 1) {
    return reject(
      dialect,
      'MULTIPLE_STATEMENTS',
      `Found ${statements.length} statements; exactly one statement is allowed per query.`,
    );
  }
  const tokens = statements[0]!;
  const trimmed = sql.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);

  const leading = leadingKeywordVerdict(tokens, dialect);
  if (leading) return leading;
  const extraDenied = policy.extraDeniedFunctions ?? [];
  const called = calledFunctionNames(tokens);
  if (dialect === 'postgres') {
    const finding = scanTokens(tokens, dialect, extraDenied, called);
    if (finding) return reject(dialect, finding.code, finding.reason);
    return withFunctions(
      analyzePostgres(trimmed, tokens, parsers.parsePostgres, extraDenied, policy.allowFunctions),
      called,
    );
  }
  // The statement's shape (EXPLAIN, SHOW, PRAGMA...) is decided first so its rejection names the real problem.
  const classified = dialect === 'mariadb' ? classifyMariadb(tokens, trimmed) : classifySqlite(tokens, trimmed);
  if (!classified.ok) return reject(dialect, classified.code, classified.reason);
  // SHOW CREATE TABLE/VIEW <name> (its exact shape checked above) reads the DDL; CREATE there is not a write
  const showCreate = classified.kind === 'show' && tokens[1]?.kind === 'word' && tokens[1].lower === 'create';
  const finding = showCreate
    ? scanTokens(
        tokens.filter((_, i) => i !== 1),
        dialect,
        extraDenied,
      )
    : scanTokens(tokens, dialect, extraDenied, called);
  if (finding) return reject(dialect, finding.code, finding.reason);
  if (classified.kind === 'values') return literalValues(trimmed, tokens, dialect);
  // SHOW/DESCRIBE/PRAGMA forms (no body) were vetted word by word; `PRAGMA table_info(t)` is not a call
  const calls = classified.body === undefined ? undefined : tokenCallProblem(tokens, dialect, policy.allowFunctions);
  if (calls) return reject(dialect, calls.code, calls.reason);
  const body = bodyTokens(tokens, classified.kind, classified.body);
  if (parsers.deferGrammar && body !== undefined) return undefined;
  const analyzed = analyzeWithNodeSqlParser(
    trimmed,
    dialect,
    classified.kind,
    body,
    classified.tables,
    policy.allowFunctions,
  );
  return withFunctions(checkKeywordReads(analyzed, tokens, dialect), called);
}

const ALLOWED_LEADERS: Record<SqlDialect, readonly string[]> = {
  postgres: ['select', 'with', 'values', 'table', 'explain', 'show'],
  mariadb: ['select', 'with', 'values', 'explain', 'describe', 'desc', 'show'],
  sqlite: ['select', 'with', 'values', 'explain', 'pragma'],
};

/** Rejects statements by their first keyword (before any parser): writes, transaction and session control, COPY/CALL/DO. */
function leadingKeywordVerdict(tokens: readonly Token[], dialect: SqlDialect): GuardVerdict | undefined {
  const first = tokens[0]!;
  if (first.kind === 'punct' && first.text === '(') return undefined;
  if (first.kind !== 'word') {
    return reject(dialect, 'PARSE_ERROR', 'The statement does not start with a SQL keyword.');
  }
  const keyword = first.lower;
  if (keyword === 'explain' && explainAnalyzes(tokens)) {
    return reject(dialect, 'EXPLAIN_ANALYZE', 'EXPLAIN ANALYZE runs the statement; only plain EXPLAIN is allowed.');
  }
  if (ALLOWED_LEADERS[dialect].includes(keyword)) return undefined;
  if (dialect === 'mariadb' && keyword === 'analyze') {
    return reject(dialect, 'EXPLAIN_ANALYZE', 'ANALYZE runs the statement it analyzes; it is not allowed.');
  }
  for (const [code, words] of Object.entries(STATEMENT_KEYWORD_CODES) as [GuardCode, readonly string[]][]) {
    if (words.includes(keyword)) return reject(dialect, code, describeLeader(code, keyword));
  }
  const typoOf = ALLOWED_LEADERS[dialect].find((leader) => isTypo(keyword, leader));
  if (typoOf) {
    // still a rejection: only the label changes, so a typo reads as one rather than as a forbidden statement
    return reject(
      dialect,
      'PARSE_ERROR',
      `The statement does not parse: its first word "${first.text}" is not a SQL keyword (did you mean ${typoOf.toUpperCase()}?).`,
    );
  }
  return reject(
    dialect,
    'FORBIDDEN_STATEMENT',
    `${keyword.toUpperCase()} statements are not allowed; only SELECT, WITH ... SELECT, VALUES, EXPLAIN and harmless SHOW/DESCRIBE run.`,
  );
}

/** One edit (insert, delete, substitute, swap) away from an allowed leading keyword: SELEC, SLECT, SELET, WTIH. */
function isTypo(word: string, keyword: string): boolean {
  if (word.length < 3 || Math.abs(word.length - keyword.length) > 1) return false;
  let i = 0;
  while (i < word.length && word[i] === keyword[i]) i++;
  const a = word.slice(i + 1);
  const b = keyword.slice(i + 1);
  return (
    word.slice(i) === keyword.slice(i + 1) ||
    word.slice(i + 1) === keyword.slice(i) ||
    a === b ||
    (word[i] === keyword[i + 1] && word[i + 1] === keyword[i] && word.slice(i + 2) === keyword.slice(i + 2))
  );
}

/** EXPLAIN ANALYZE ..., EXPLAIN (ANALYZE ...) ...: the option list is the only place ANALYZE can appear. */
function explainAnalyzes(tokens: readonly Token[]): boolean {
  const second = tokens[1];
  if (second?.kind === 'word') return second.lower === 'analyze' || second.lower === 'analyse';
  if (second?.kind !== 'punct' || second.text !== '(') return false;
  for (let i = 2; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'punct' && token.text === ')') return false;
    if (token.kind === 'word' && (token.lower === 'analyze' || token.lower === 'analyse')) return true;
  }
  return false;
}

function describeLeader(code: GuardCode, keyword: string): string {
  const upper = keyword.toUpperCase();
  switch (code) {
    case 'WRITE_STATEMENT':
      return `${upper} changes data or schema; only reads are allowed.`;
    case 'TRANSACTION_CONTROL':
      return `${upper} controls transactions; Sleuth manages the read-only transaction itself.`;
    default:
      return `${upper} changes session or server state and is not allowed.`;
  }
}

export type KindResult =
  | { ok: true; kind: StatementKind; body: string | undefined; tables: { schema?: string; name: string }[] }
  | { ok: false; code: GuardCode; reason: string };

const VALUES_WORDS = new Set(['values', 'row', 'null', 'true', 'false']);

/**
 * A top-level VALUES list (node-sql-parser cannot parse one): allowed only when it holds nothing but literals, so
 * there is nothing in it to inspect further.
 */
function literalValues(trimmed: string, tokens: readonly Token[], dialect: SqlDialect): GuardVerdict {
  const onlyLiterals = tokens.every(
    (t) =>
      t.kind === 'string' ||
      t.kind === 'number' ||
      (t.kind === 'punct' && ['(', ')', ',', '-', '+'].includes(t.text)) ||
      (t.kind === 'word' && VALUES_WORDS.has(t.lower)),
  );
  if (!onlyLiterals) {
    return reject(
      dialect,
      'PARSE_ERROR',
      'A top-level VALUES list may only contain literals here; use SELECT for expressions.',
    );
  }
  return { allowed: true, dialect, kind: 'values', sql: trimmed, tables: [], columns: [] };
}

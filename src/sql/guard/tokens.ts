/**
 * Token-level checks that do not depend on any parser: they run on every statement in every dialect, before and
 * independently of the parse tree checks, so a parser gap alone cannot let a dangerous statement through.
 */
import type { SqlDialect } from '../dialect.js';
import type { GuardCode } from '../types.js';
import { deniedFunctionMatcher, WRITE_KEYWORDS_ANYWHERE } from './deny-list.js';
import type { Token } from './lexer.js';

export interface TokenFinding {
  code: GuardCode;
  reason: string;
}

/** Splits on top-level `;` and returns the non-empty statements (as token lists). */
export function splitStatements(tokens: readonly Token[]): (readonly Token[])[] {
  // one statement without `;` (the usual case): the lexer's list itself
  let semicolon = false;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      semicolon = true;
      break;
    }
  }
  if (!semicolon) return tokens.length > 0 ? [tokens] : [];
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.lower);
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

/** Names used as function calls: an identifier (quoted or not) directly followed by `(`. */
export function calledFunctionNames(tokens: readonly Token[]): string[] {
  const names: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const token = tokens[i]!;
    if ((token.kind === 'word' || token.kind === 'quoted') && isPunct(tokens[i + 1], '(')) names.push(token.lower);
  }
  return names;
}

/** Words at which one of the checks below can fire (any other word needs no closer look). */
const TRIGGER_WORDS = new Set(['for', 'lock', 'into', 'outfile', 'dumpfile', ...WRITE_KEYWORDS_ANYWHERE]);

/**
 * Denied functions (by the names called, `calledFunctionNames(tokens)` unless given), then locking reads, INTO and
 * write keywords anywhere.
 */
export function scanTokens(
  tokens: readonly Token[],
  dialect: SqlDialect,
  extraDeniedFunctions: readonly string[],
  called: readonly string[] = calledFunctionNames(tokens),
): TokenFinding | undefined {
  const denied = deniedFunctionMatcher(dialect, extraDeniedFunctions);
  for (let i = 0; i < called.length; i++) {
    const name = called[i]!;
    // a name called again was checked at its first call (a long list is checked whole: no quadratic search)
    if (called.length <= 32 && called.indexOf(name) < i) continue;
    if (denied.isDenied(name)) {
      return { code: 'DENIED_FUNCTION', reason: `The function ${name}() is not allowed: it has side effects.` };
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word' || !TRIGGER_WORDS.has(token.lower)) continue;
    const finding = lockingRead(tokens, i) ?? selectInto(token) ?? hiddenWrite(tokens, i);
    if (finding) return finding;
  }
  return undefined;
}

function lockingRead(tokens: readonly Token[], i: number): TokenFinding | undefined {
  const token = tokens[i]!;
  const next = tokens[i + 1];
  const locking =
    (isWord(token, 'for') &&
      (isWord(next, 'update', 'share') ||
        (isWord(next, 'no', 'key') && isWord(tokens[i + 2], 'key', 'update', 'share')))) ||
    (isWord(token, 'lock') && isWord(next, 'in') && isWord(tokens[i + 2], 'share'));
  if (!locking) return undefined;
  return {
    code: 'LOCKING_READ',
    reason: 'Locking reads (FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE) are not allowed.',
  };
}

function selectInto(token: Token): TokenFinding | undefined {
  if (!['into', 'outfile', 'dumpfile'].includes(token.lower)) return undefined;
  return {
    code: 'SELECT_INTO',
    reason: 'SELECT ... INTO (tables, variables, OUTFILE, DUMPFILE) writes data and is not allowed.',
  };
}

function hiddenWrite(tokens: readonly Token[], i: number): TokenFinding | undefined {
  const token = tokens[i]!;
  if (!WRITE_KEYWORDS_ANYWHERE.has(token.lower)) return undefined;
  if (isPunct(tokens[i + 1], '(') || isPunct(tokens[i - 1], '.') || isPunct(tokens[i + 1], '.')) return undefined;
  return {
    code: 'WRITE_STATEMENT',
    reason: `The keyword ${token.lower.toUpperCase()} means a write or schema change; only reads are allowed.`,
  };
}

/**
 * A dialect-aware SQL lexer used by the guard before any parser sees the text.
 *
 * Threat model: every published bypass of a read-only SQL tool was a gap between what the guard inspected and what
 * the server executed. The lexer therefore follows each server's own comment and quoting rules, and refuses input
 * where the rules are ambiguous instead of guessing:
 * - MySQL/MariaDB execute `/*! ... *\/` and `/*M! ... *\/` (rejected), honour `/*+ ... *\/` optimizer hints that can
 *   lift timeouts (rejected), treat `#` as a line comment, and `--` only when followed by whitespace (`--1` is minus
 *   minus one). Strings use backslash escapes (the adapter forces a sql_mode where that is true).
 * - PostgreSQL nests block comments, ends `--` comments at a bare carriage return, has E'' strings with backslash
 *   escapes, dollar-quoted strings and U& escapes (rejected: they can hide identifiers).
 * - SQLite accepts "", [] and `` quoted identifiers.
 * - SQLite has no backslash escapes and no `#` comments: a `#` outside a string is refused (SQL_AMBIGUOUS), since
 *   other grammars read it as a comment.
 * A bare carriage return inside a line comment, a NUL byte, or an unterminated string/comment is a rejection in
 * every dialect: the servers disagree about such input, so we refuse to guess.
 *
 * The lexer also bounds the work any parser will do (SQL_TOO_COMPLEX): at most MAX_TOKENS tokens and MAX_DEPTH
 * nested brackets, checked before any parser runs, so deep or long input cannot overflow a recursive parser or walk.
 */
import type { SqlDialect } from '../dialect.js';
import type { GuardCode } from '../types.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Raw text as written. For `word`, compare via `lower`. */
  text: string;
  /** Lower-cased text for words; the unquoted name for quoted identifiers; the raw text otherwise. */
  lower: string;
  start: number;
  end: number;
}

export interface LexFailure {
  code: GuardCode;
  reason: string;
}

/** Most tokens in one input: `SELECT 1+1+...` of 40k characters is refused here, before any parser. */
export const MAX_TOKENS = 10_000;
/** Most nested brackets (parentheses and array brackets). */
export const MAX_DEPTH = 100;
/**
 * Most operators (and AND/OR) in one chain, between two commas at one bracket level: a chain is a tree as deep as it
 * is long for every parser and walk, so `1+1+...+1` with 5,000 terms overflows the stack where 1,000 does not.
 */
export const MAX_CHAIN = 1_000;
/** Characters the guard reserves for its own placeholders when it hands text to a parser (see canonical.ts). */
export const RESERVED_CHARS = /[\uE000\uE001]/;

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; failure: LexFailure };

/** Character classes on UTF-16 code units (NaN past the end matches none). */
/** [A-Za-z_] or any code unit from U+0080 (identifiers may hold any non-ASCII character). */
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}
/** [A-Za-z0-9_$] or any code unit from U+0080. */
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isHexOrUnderscore(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 95;
}
/** A PostgreSQL dollar-quote tag at a position: `$$` or `$tag$`. */
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

class LexError extends Error {
  constructor(
    readonly code: GuardCode,
    reason: string,
  ) {
    super(reason);
  }
}

export function lexSql(sql: string, dialect: SqlDialect): LexResult {
  try {
    return { ok: true, tokens: new Lexer(sql, dialect).run() };
  } catch (error) {
    if (error instanceof LexError) return { ok: false, failure: { code: error.code, reason: error.message } };
    throw error;
  }
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private readonly mysql: boolean;

  constructor(
    private readonly src: string,
    private readonly dialect: SqlDialect,
  ) {
    this.mysql = dialect === 'mariadb';
  }

  run(): Token[] {
    if (this.src.includes('\u0000')) throw new LexError('PARSE_ERROR', 'The statement contains a NUL byte.');
    if (RESERVED_CHARS.test(this.src)) {
      throw new LexError('SQL_AMBIGUOUS', 'The statement contains private-use characters (U+E000/U+E001).');
    }
    const chains = [0];
    const { src, tokens } = this;
    const length = src.length;
    while (this.pos < length) {
      // whitespace between tokens, skipped here
      let pos = this.pos;
      while (isSpace(src.charCodeAt(pos))) pos++;
      this.pos = pos;
      if (pos >= length) break;
      const before = tokens.length;
      this.next();
      if (tokens.length === before) continue;
      if (tokens.length > MAX_TOKENS) {
        throw new LexError('SQL_TOO_COMPLEX', `The statement has more than ${MAX_TOKENS} tokens; split it up.`);
      }
      const token = tokens[before]!;
      if (token.kind === 'word') {
        if (token.lower === 'and' || token.lower === 'or') chains[chains.length - 1]!++;
      } else if (token.kind !== 'punct') {
        continue;
      } else if (token.text === '(' || token.text === '[') {
        chains.push(0);
        if (chains.length > MAX_DEPTH + 1) {
          throw new LexError('SQL_TOO_COMPLEX', `The statement nests brackets more than ${MAX_DEPTH} deep.`);
        }
      } else if (token.text === ')' || token.text === ']') {
        if (chains.length > 1) chains.pop();
      } else if (token.text === ',' || token.text === ';') {
        chains[chains.length - 1] = 0;
      } else if (token.text !== '.') {
        chains[chains.length - 1]!++;
      }
      if (chains[chains.length - 1]! > MAX_CHAIN) {
        throw new LexError(
          'SQL_TOO_COMPLEX',
          `The statement chains more than ${MAX_CHAIN} operators in one expression; split it up.`,
        );
      }
    }
    return this.tokens;
  }

  private push(kind: TokenKind, start: number, lower?: string): void {
    const text = this.src.slice(start, this.pos);
    this.tokens.push({
      kind,
      text,
      lower: lower ?? (kind === 'word' ? text.toLowerCase() : text),
      start,
      end: this.pos,
    });
  }

  private next(): void {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    if (isSpace(c)) {
      let end = start + 1;
      while (isSpace(src.charCodeAt(end))) end++;
      this.pos = end;
      return;
    }
    const c1 = src.charCodeAt(start + 1);
    // a plain word (the most common token): no string prefix (E'', U&'', N'', X'', B'') is being started
    if (isWordStart(c) && c1 !== 39 && c1 !== 38) {
      this.pos++;
      while (isWordPart(src.charCodeAt(this.pos))) this.pos++;
      this.push('word', start);
      return;
    }
    // -- comment
    if (c === 45 && c1 === 45 && this.isDashComment()) {
      this.lineComment();
      return;
    }
    if (c === 35 /* # */ && this.mysql) {
      this.lineComment();
      return;
    }
    if (c === 35 && this.dialect === 'sqlite') {
      throw new LexError(
        'SQL_AMBIGUOUS',
        'SQLite does not treat # as a comment, other SQL grammars do: a # outside a string is refused.',
      );
    }
    if (c === 47 /* / */ && c1 === 42 /* * */) {
      this.blockComment();
      return;
    }
    if (c === 39 /* ' */) {
      this.string(start, this.mysql);
      return;
    }
    if (this.dialect === 'postgres' && (c === 69 || c === 101) /* E e */ && c1 === 39) {
      this.pos++;
      this.string(start, true);
      return;
    }
    if ((c === 85 || c === 117) /* U u */ && c1 === 38 /* & */) {
      const c2 = src.charCodeAt(start + 2);
      if (c2 === 39 || c2 === 34) {
        throw new LexError('PARSE_ERROR', 'Unicode-escaped strings and identifiers (U&"...") are not accepted.');
      }
    }
    // N'', X'', B'' strings
    if ((c === 78 || c === 110 || c === 88 || c === 120 || c === 66 || c === 98) && c1 === 39) {
      this.pos++;
      this.string(start, this.mysql);
      return;
    }
    if (c === 34 /* " */) {
      if (this.mysql) {
        this.string(start, true);
        return;
      }
      this.quoted(start, 34);
      return;
    }
    if (c === 96 /* ` */) {
      if (this.dialect === 'postgres') throw new LexError('PARSE_ERROR', 'Backticks are not valid in PostgreSQL.');
      this.quoted(start, 96);
      return;
    }
    if (c === 91 /* [ */ && this.dialect === 'sqlite') {
      this.quoted(start, 93 /* ] */);
      return;
    }
    if (c === 36 /* $ */ && this.dialect === 'postgres') {
      this.dollar(start);
      return;
    }
    // SQLite parameters: ?1, :name, @name, $name
    if ((c === 63 || c === 58 || c === 64 || c === 36) && this.dialect === 'sqlite' && isWordPart(c1)) {
      this.pos++;
      while (isWordPart(src.charCodeAt(this.pos))) this.pos++;
      this.push('param', start);
      return;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(c1))) {
      this.number(start);
      return;
    }
    if (isWordStart(c)) {
      this.pos++;
      while (isWordPart(src.charCodeAt(this.pos))) this.pos++;
      this.push('word', start);
      return;
    }
    this.pos++;
    // Multi-character operators matter to nobody here except `::` (a cast) which we keep as one token.
    if (c === 58 && c1 === 58) this.pos++;
    this.push('punct', start);
  }

  private isDashComment(): boolean {
    if (!this.mysql) return true;
    // MySQL ends `-- ` comments at any control character or space; `--` at the very end is a comment too
    const follower = this.src.charCodeAt(this.pos + 2);
    return Number.isNaN(follower) || follower <= 0x20;
  }

  private lineComment(): void {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 10) return;
      if (c === 13 && src.charCodeAt(this.pos + 1) !== 10) {
        throw new LexError(
          'PARSE_ERROR',
          'A line comment contains a bare carriage return; databases disagree on where such a comment ends.',
        );
      }
      this.pos++;
    }
  }

  private blockComment(): void {
    const src = this.src;
    const opener = src.slice(this.pos, this.pos + 4);
    if (this.mysql && (opener.startsWith('/*!') || opener.startsWith('/*M!') || opener.startsWith('/*m!'))) {
      throw new LexError(
        'EXECUTABLE_COMMENT',
        'MySQL/MariaDB executable comments (/*! ... */, /*M! ... */) run their contents and are not allowed.',
      );
    }
    if (this.mysql && opener.startsWith('/*+')) {
      throw new LexError('OPTIMIZER_HINT', 'Optimizer hints (/*+ ... */) can lift limits and are not allowed.');
    }
    const nests = this.dialect === 'postgres';
    let depth = 0;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 47 && src.charCodeAt(this.pos + 1) === 42) {
        depth = nests || depth === 0 ? depth + 1 : depth;
        this.pos += 2;
        continue;
      }
      if (c === 42 && src.charCodeAt(this.pos + 1) === 47) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
        continue;
      }
      this.pos++;
    }
    throw new LexError('PARSE_ERROR', 'A block comment is not terminated.');
  }

  /** A quoted string starting at the current quote character. */
  private string(start: number, backslashEscapes: boolean): void {
    const src = this.src;
    const quote = src.charCodeAt(this.pos);
    this.pos++;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (backslashEscapes && c === 92 /* \ */) {
        this.pos += 2;
        continue;
      }
      if (c === quote) {
        if (src.charCodeAt(this.pos + 1) === quote) {
          this.pos += 2;
          continue;
        }
        this.pos++;
        this.push('string', start);
        return;
      }
      this.pos++;
    }
    throw new LexError('PARSE_ERROR', 'A string literal is not terminated.');
  }

  /** A quoted identifier closed by the character `close` (a doubled one is part of the name, except `]`). */
  private quoted(start: number, close: number): void {
    const src = this.src;
    this.pos++;
    let name = '';
    let from = this.pos;
    while (this.pos < src.length) {
      if (src.charCodeAt(this.pos) === close) {
        if (src.charCodeAt(this.pos + 1) === close && close !== 93) {
          name += src.slice(from, this.pos + 1);
          this.pos += 2;
          from = this.pos;
          continue;
        }
        name += src.slice(from, this.pos);
        this.pos++;
        this.push('quoted', start, name);
        return;
      }
      this.pos++;
    }
    throw new LexError('PARSE_ERROR', 'A quoted identifier is not terminated.');
  }

  /** PostgreSQL: `$1` parameter, or `$tag$ ... $tag$` string. */
  private dollar(start: number): void {
    const src = this.src;
    if (isDigit(src.charCodeAt(this.pos + 1))) {
      this.pos++;
      while (isDigit(src.charCodeAt(this.pos))) this.pos++;
      this.push('param', start);
      return;
    }
    DOLLAR_TAG.lastIndex = this.pos;
    const match = DOLLAR_TAG.exec(src);
    if (!match) {
      this.pos++;
      this.push('punct', start);
      return;
    }
    const tag = match[0];
    const close = src.indexOf(tag, this.pos + tag.length);
    if (close < 0) throw new LexError('PARSE_ERROR', 'A dollar-quoted string is not terminated.');
    this.pos = close + tag.length;
    this.push('string', start);
  }

  private number(start: number): void {
    const src = this.src;
    const c1 = src.charCodeAt(this.pos + 1);
    if (src.charCodeAt(this.pos) === 48 && (c1 === 120 || c1 === 88 || c1 === 98 || c1 === 66) /* 0x 0X 0b 0B */) {
      this.pos += 2;
      while (isHexOrUnderscore(src.charCodeAt(this.pos))) this.pos++;
      this.push('number', start);
      return;
    }
    while (isDigit(src.charCodeAt(this.pos)) || src.charCodeAt(this.pos) === 95) this.pos++;
    if (src.charCodeAt(this.pos) === 46 && src.charCodeAt(this.pos + 1) !== 46) {
      this.pos++;
      while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    }
    const e = src.charCodeAt(this.pos);
    const sign = src.charCodeAt(this.pos + 1);
    if ((e === 101 || e === 69) && (isDigit(sign) || sign === 43 || sign === 45)) {
      this.pos += 2;
      while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    }
    // `1e` or `123abc` style trailing letters belong to the number in most dialects; keep them attached.
    while (isWordPart(src.charCodeAt(this.pos))) this.pos++;
    this.push('number', start);
  }
}

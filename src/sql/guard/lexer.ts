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

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /[ \t\n\r\f\v]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: MySQL ends `-- ` comments at any control character
const MYSQL_DASH_COMMENT_FOLLOWER = /[ \t\n\r\f\v\u0000-\u001f]/;

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
    while (this.pos < this.src.length) {
      const before = this.tokens.length;
      this.next();
      if (this.tokens.length === before) continue;
      if (this.tokens.length > MAX_TOKENS) {
        throw new LexError('SQL_TOO_COMPLEX', `The statement has more than ${MAX_TOKENS} tokens; split it up.`);
      }
      const token = this.tokens[before]!;
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

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
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
    const c = this.peek();
    const start = this.pos;
    if (WHITESPACE.test(c)) {
      this.pos++;
      return;
    }
    if (c === '-' && this.peek(1) === '-' && this.isDashComment()) {
      this.lineComment();
      return;
    }
    if (c === '#' && this.mysql) {
      this.lineComment();
      return;
    }
    if (c === '#' && this.dialect === 'sqlite') {
      throw new LexError(
        'SQL_AMBIGUOUS',
        'SQLite does not treat # as a comment, other SQL grammars do: a # outside a string is refused.',
      );
    }
    if (c === '/' && this.peek(1) === '*') {
      this.blockComment();
      return;
    }
    if (c === "'") {
      this.string(start, this.mysql);
      return;
    }
    if (this.dialect === 'postgres' && (c === 'E' || c === 'e') && this.peek(1) === "'") {
      this.pos++;
      this.string(start, true);
      return;
    }
    if ((c === 'U' || c === 'u') && this.peek(1) === '&' && (this.peek(2) === "'" || this.peek(2) === '"')) {
      throw new LexError('PARSE_ERROR', 'Unicode-escaped strings and identifiers (U&"...") are not accepted.');
    }
    if ((c === 'N' || c === 'n' || c === 'X' || c === 'x' || c === 'B' || c === 'b') && this.peek(1) === "'") {
      this.pos++;
      this.string(start, this.mysql);
      return;
    }
    if (c === '"') {
      if (this.mysql) {
        this.string(start, true);
        return;
      }
      this.quoted(start, '"');
      return;
    }
    if (c === '`') {
      if (this.dialect === 'postgres') throw new LexError('PARSE_ERROR', 'Backticks are not valid in PostgreSQL.');
      this.quoted(start, '`');
      return;
    }
    if (c === '[' && this.dialect === 'sqlite') {
      this.quoted(start, ']');
      return;
    }
    if (c === '$' && this.dialect === 'postgres') {
      this.dollar(start);
      return;
    }
    if (
      (c === '?' || c === ':' || c === '@' || c === '$') &&
      this.dialect === 'sqlite' &&
      WORD_PART.test(this.peek(1))
    ) {
      this.pos++;
      while (WORD_PART.test(this.peek())) this.pos++;
      this.push('param', start);
      return;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(this.peek(1)))) {
      this.number(start);
      return;
    }
    if (WORD_START.test(c)) {
      while (WORD_PART.test(this.peek())) this.pos++;
      this.push('word', start);
      return;
    }
    this.pos++;
    // Multi-character operators matter to nobody here except `::` (a cast) which we keep as one token.
    if (c === ':' && this.peek() === ':') this.pos++;
    this.push('punct', start);
  }

  private isDashComment(): boolean {
    if (!this.mysql) return true;
    const follower = this.peek(2);
    return follower === '' || MYSQL_DASH_COMMENT_FOLLOWER.test(follower);
  }

  private lineComment(): void {
    while (this.pos < this.src.length && this.peek() !== '\n') {
      if (this.peek() === '\r' && this.peek(1) !== '\n') {
        throw new LexError(
          'PARSE_ERROR',
          'A line comment contains a bare carriage return; databases disagree on where such a comment ends.',
        );
      }
      this.pos++;
    }
  }

  private blockComment(): void {
    const opener = this.src.slice(this.pos, this.pos + 4);
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
    while (this.pos < this.src.length) {
      if (this.peek() === '/' && this.peek(1) === '*') {
        depth = nests || depth === 0 ? depth + 1 : depth;
        this.pos += 2;
        continue;
      }
      if (this.peek() === '*' && this.peek(1) === '/') {
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
    const quote = this.peek();
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (backslashEscapes && c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === quote) {
        if (this.peek(1) === quote) {
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

  private quoted(start: number, close: string): void {
    this.pos++;
    let name = '';
    while (this.pos < this.src.length) {
      const c = this.peek();
      if (c === close) {
        if (this.peek(1) === close && close !== ']') {
          name += close;
          this.pos += 2;
          continue;
        }
        this.pos++;
        this.push('quoted', start, name);
        return;
      }
      name += c;
      this.pos++;
    }
    throw new LexError('PARSE_ERROR', 'A quoted identifier is not terminated.');
  }

  /** PostgreSQL: `$1` parameter, or `$tag$ ... $tag$` string. */
  private dollar(start: number): void {
    if (DIGIT.test(this.peek(1))) {
      this.pos++;
      while (DIGIT.test(this.peek())) this.pos++;
      this.push('param', start);
      return;
    }
    const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(this.src.slice(this.pos));
    if (!match) {
      this.pos++;
      this.push('punct', start);
      return;
    }
    const tag = match[0];
    const close = this.src.indexOf(tag, this.pos + tag.length);
    if (close < 0) throw new LexError('PARSE_ERROR', 'A dollar-quoted string is not terminated.');
    this.pos = close + tag.length;
    this.push('string', start);
  }

  private number(start: number): void {
    if (this.peek() === '0' && /[xXbB]/.test(this.peek(1))) {
      this.pos += 2;
      while (/[0-9A-Fa-f_]/.test(this.peek())) this.pos++;
      this.push('number', start);
      return;
    }
    while (DIGIT.test(this.peek()) || this.peek() === '_') this.pos++;
    if (this.peek() === '.' && this.peek(1) !== '.') {
      this.pos++;
      while (DIGIT.test(this.peek())) this.pos++;
    }
    if (/[eE]/.test(this.peek()) && /[0-9+-]/.test(this.peek(1))) {
      this.pos += 2;
      while (DIGIT.test(this.peek())) this.pos++;
    }
    // `1e` or `123abc` style trailing letters belong to the number in most dialects; keep them attached.
    while (WORD_PART.test(this.peek())) this.pos++;
    this.push('number', start);
  }
}

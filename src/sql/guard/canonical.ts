/**
 * One reading of the text (MariaDB and SQLite). node-sql-parser's grammars do not follow the servers' lexical rules
 * (both read `--0` and `#` as comments and `\'` as an escape, SQLite does neither; MariaDB reads `--0` as minus
 * minus zero), so the parser never sees the user's text. It sees a canonical text rebuilt from the guard's own
 * dialect-exact tokens:
 * - comments are gone (replaced by a space); `-` `-` written together are separated, so no `--` can appear;
 * - every string literal and quoted identifier is replaced by a numbered placeholder (`'\uE000<n>\uE001'`,
 *   `` `\uE000<n>\uE001` ``), so no quote, backslash or comment character of the user's reaches the parser;
 *   identifiers with characters outside ASCII (or `$`) become quoted placeholders too;
 * - numbers must have a plain form, and no backslash or control character may remain (SQL_AMBIGUOUS otherwise).
 * After parsing, `restorePlaceholders` puts the real values back into the tree and proves agreement: each
 * placeholder must come back exactly once per use as a whole value. A placeholder the parser swallowed (into a
 * comment, or merged with another token) means the two readings differ: SQL_AMBIGUOUS.
 *
 * A few token rewrites cover syntax node-sql-parser's SQLite grammar lacks, each one proven harmless to the analysis
 * (no identifier, string or subquery is added or removed; the tree walk treats the result identically): `.5` ->
 * `0.5`; `NULLS FIRST|LAST` dropped; `IS [NOT] DISTINCT FROM` -> `IS NOT` / `IS` (SQLite's own meaning);
 * `EXCEPT`/`INTERSECT` -> `UNION` (every set operation is walked as one); `CROSS JOIN` -> `JOIN`; `OVER (` gets `PARTITION BY 1` when it
 * has none, and a window frame made only of frame keywords and numbers is dropped. Words node-sql-parser reserves
 * but the server does not (MariaDB `status`, SQLite `count` as a column...) are quoted, which the server reads the
 * same way.
 */
import type { SqlDialect } from '../dialect.js';
import type { GuardCode } from '../types.js';
import type { Token } from './lexer.js';

export const PLACEHOLDER_OPEN = '\uE000';
export const PLACEHOLDER_CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

export interface CanonicalText {
  ok: true;
  text: string;
  /** Placeholder n -> the value the server reads there (string contents decoded, identifier names unquoted). */
  values: string[];
}

export interface CanonicalFailure {
  ok: false;
  code: GuardCode;
  reason: string;
}

type Dialect = Exclude<SqlDialect, 'postgres'>;

/** Words the node-sql-parser grammar reserves that the server accepts as plain identifiers (quoted when not calls). */
const REQUOTE: Record<Dialect, ReadonlySet<string>> = {
  mariadb: new Set(['status', 'json', 'boolean']),
  sqlite: new Set(['count', 'global', 'session', 'local', 'read', 'write']),
};

const ASCII_WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN_NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^0[xX][0-9A-Fa-f]+$/;
const FRAME_WORDS = new Set([
  'rows',
  'range',
  'groups',
  'between',
  'and',
  'unbounded',
  'preceding',
  'following',
  'current',
  'row',
]);

function ambiguous(reason: string): CanonicalFailure {
  return { ok: false, code: 'SQL_AMBIGUOUS', reason };
}

function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.lower === word;
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

/** MariaDB string contents as the server reads them (backslash escapes on, doubled quotes). */
function decodeMariadb(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const e = body[++i]!;
      const map: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };
      out += map[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
    } else if (c === quote && body[i + 1] === quote) {
      out += c;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function stringValue(token: Token, dialect: Dialect): { value: string; quote: string } {
  const text = token.text;
  const open = text.search(/['"]/);
  const quote = text[open]!;
  const body = text.slice(open + 1, -1);
  if (dialect === 'mariadb') return { value: decodeMariadb(body, quote), quote };
  return { value: body.split(`${quote}${quote}`).join(quote), quote };
}

/** Window frame tokens from `start` up to (not including) the `)` closing the OVER clause, if droppable. */
function droppableFrame(tokens: readonly Token[], start: number): number | undefined {
  let i = start;
  while (i < tokens.length && !isPunct(tokens[i], ')')) {
    const t = tokens[i]!;
    if (!(t.kind === 'number' || (t.kind === 'word' && FRAME_WORDS.has(t.lower)))) return undefined;
    i++;
  }
  return i;
}

/** The canonical text as it is built: parts, placeholder values, and the last token emitted. */
class Builder {
  readonly parts: string[] = [];
  readonly values: string[] = [];
  private previous: Token | undefined;
  private previousRendered = '';

  placeholder(value: string): string {
    this.values.push(value);
    return `${PLACEHOLDER_OPEN}${this.values.length - 1}${PLACEHOLDER_CLOSE}`;
  }

  emit(token: Token, rendered: string): void {
    const previous = this.previous;
    if (previous) {
      const gap = token.start > previous.end;
      const bothValues = token.kind !== 'punct' && previous.kind !== 'punct';
      const pair = this.previousRendered.slice(-1) + rendered.slice(0, 1);
      this.parts.push(gap || bothValues || pair === '--' || pair === '/*' || pair === '*/' ? ' ' : '');
    }
    this.parts.push(rendered);
    this.previous = token;
    this.previousRendered = rendered;
  }

  /** Synthetic text (rewrites) is emitted with spaces around it. */
  synthetic(text: string): void {
    this.parts.push(` ${text} `);
    this.previousRendered = ' ';
  }
}

export function canonicalText(tokens: readonly Token[], dialect: Dialect): CanonicalText | CanonicalFailure {
  const out = new Builder();
  const overParens: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    switch (token.kind) {
      case 'word': {
        if (dialect === 'sqlite') {
          if (token.lower === 'nulls' && (isWord(next, 'first') || isWord(next, 'last'))) {
            i++;
            continue;
          }
          if (token.lower === 'is' && isWord(next, 'distinct') && isWord(tokens[i + 2], 'from')) {
            out.emit(token, 'IS NOT');
            i += 2;
            continue;
          }
          if (
            token.lower === 'is' &&
            isWord(next, 'not') &&
            isWord(tokens[i + 2], 'distinct') &&
            isWord(tokens[i + 3], 'from')
          ) {
            out.emit(token, 'IS');
            i += 3;
            continue;
          }
          // `CROSS JOIN` is an inner join without a condition: the same tables and columns as `JOIN`
          if (token.lower === 'cross' && isWord(next, 'join')) continue;
          if (token.lower === 'except' || token.lower === 'intersect') {
            out.emit(token, 'UNION');
            continue;
          }
          const inOver = overParens.length > 0 && overParens[overParens.length - 1] === depth;
          if (inOver && ['rows', 'range', 'groups'].includes(token.lower)) {
            const end = droppableFrame(tokens, i);
            if (end !== undefined) {
              i = end - 1;
              continue;
            }
          }
        }
        if (!ASCII_WORD.test(token.text)) {
          out.emit(token, `\`${out.placeholder(token.text)}\``);
        } else if (REQUOTE[dialect].has(token.lower) && !isPunct(next, '(')) {
          out.emit(token, `\`${out.placeholder(token.text)}\``);
        } else {
          out.emit(token, token.text);
        }
        if (dialect === 'sqlite' && token.lower === 'over' && isPunct(next, '(')) {
          out.emit(next!, '(');
          i++;
          depth++;
          overParens.push(depth);
          if (!isWord(tokens[i + 1], 'partition')) out.synthetic('PARTITION BY 1');
        }
        continue;
      }
      case 'quoted':
        out.emit(token, `\`${out.placeholder(token.lower)}\``);
        continue;
      case 'string': {
        const { value, quote } = stringValue(token, dialect);
        out.emit(token, quote === '"' ? `"${out.placeholder(value)}"` : `'${out.placeholder(value)}'`);
        continue;
      }
      case 'number': {
        if (!PLAIN_NUMBER.test(token.text)) {
          return ambiguous(`The number ${token.text.slice(0, 40)} has a form the guard does not read the same way.`);
        }
        const text = token.text.startsWith('.')
          ? `0${token.text}`
          : token.text.endsWith('.')
            ? `${token.text}0`
            : token.text;
        out.emit(token, text);
        continue;
      }
      case 'param':
        if (!/^[?:@$][A-Za-z0-9_]*$/.test(token.text)) return ambiguous('A parameter name has unusual characters.');
        out.emit(token, token.text);
        continue;
      default: {
        const code = token.text.charCodeAt(0);
        if (token.text === '\\' || code < 0x20 || code === 0x7f || token.text === '#') {
          return ambiguous(
            `The character ${JSON.stringify(token.text)} outside a string is read differently by SQL grammars.`,
          );
        }
        if (token.text === '(') depth++;
        if (token.text === ')') {
          if (overParens[overParens.length - 1] === depth) overParens.pop();
          depth--;
        }
        out.emit(token, token.text);
        continue;
      }
    }
  }
  return { ok: true, text: out.parts.join(''), values: out.values };
}

/**
 * Puts the real values back into the parse tree (in place) and checks that every placeholder came back as a whole
 * value: the parser read each string and quoted identifier exactly where the lexer did.
 */
export function restorePlaceholders(tree: unknown, values: readonly string[]): CanonicalFailure | undefined {
  const seen = new Uint8Array(values.length);
  let bad = false;
  const fix = (text: string): string => {
    if (!text.includes(PLACEHOLDER_OPEN)) return text;
    const whole = /^\uE000(\d+)\uE001$/.exec(text);
    if (whole) {
      const index = Number(whole[1]);
      seen[index] = 1;
      return values[index] ?? '';
    }
    // parser list entries ("select::db::table") keep their shape; anything else merged a placeholder into other text
    const parts = text.split('::');
    if (parts.length < 2 || parts.some((p) => p.includes(PLACEHOLDER_OPEN) && !/^\uE000\d+\uE001$/.test(p))) {
      bad = true;
    }
    return text.replace(PLACEHOLDER, (_m, n: string) => {
      seen[Number(n)] = 1;
      return values[Number(n)] ?? '';
    });
  };
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') node[i] = fix(v);
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const v = record[key];
        if (typeof v === 'string') record[key] = fix(v);
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    }
  }
  if (bad) return ambiguous('The parser read a string or quoted name together with other text; refused.');
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    return ambiguous(
      'The parser did not read a string or quoted name where the guard did (it may have taken it for a comment); refused.',
    );
  }
  return undefined;
}

/**
 * One reading of the text on PostgreSQL: libpg-query is the server's own parser, so its tree is what the server
 * runs; the guard's token checks ran on the lexer's reading. They must agree on where names start: every relation,
 * column reference and function call the parser found must start where the lexer saw a name (a word or a quoted
 * identifier, or `*` for a star). A name the parser found inside what the lexer took for a comment or a string (or the reverse) is a
 * disagreement: SQL_AMBIGUOUS. The tree walk (postgres-ast.ts) checks every RangeVar, ColumnRef and FuncCall it
 * visits against the map built here, in the same pass as its other checks.
 */
import type { Token } from './lexer.js';

/** Node types whose `location` must be the start of a name token. */
export const NAMED_NODES: ReadonlySet<string> = new Set(['RangeVar', 'ColumnRef', 'FuncCall']);

/**
 * Byte offsets (UTF-8, as libpg-query reports locations) of every name token, relative to the trimmed text, in
 * ascending order (tokens come in text order).
 */
export function nameStarts(tokens: readonly Token[], trimmed: string): number[] {
  const base = tokens[0]?.start ?? 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  const ascii = !/[^\u0000-\u007f]/.test(trimmed);
  const starts: number[] = [];
  let chars = 0;
  let bytes = 0;
  for (const token of tokens) {
    // `*` starts a star column reference
    if (token.kind !== 'word' && token.kind !== 'quoted' && token.text !== '*') continue;
    const at = token.start - base;
    if (ascii) {
      starts.push(at);
      continue;
    }
    bytes += Buffer.byteLength(trimmed.slice(chars, at), 'utf8');
    chars = at;
    starts.push(bytes);
  }
  return starts;
}

/** Whether `offset` is one of the ascending `starts` (binary search). */
function isStart(starts: readonly number[], offset: number): boolean {
  let low = 0;
  let high = starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = starts[mid]!;
    if (at === offset) return true;
    if (at < offset) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/** The disagreement (node type and location) when a named node does not start where the lexer saw a name. */
export function nameDisagreement(
  starts: readonly number[],
  key: string,
  node: Record<string, unknown>,
): string | undefined {
  const location = node.location;
  if (typeof location !== 'number' || location < 0 || isStart(starts, location)) return undefined;
  return `${key}@${location}`;
}

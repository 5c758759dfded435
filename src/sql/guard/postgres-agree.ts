/**
 * One reading of the text on PostgreSQL: libpg-query is the server's own parser, so its tree is what the server
 * runs; the guard's token checks ran on the lexer's reading. They must agree on where names start: every relation,
 * column reference and function call the parser found must start where the lexer saw a name (a word or a quoted
 * identifier, or `*` for a star). A name the parser found inside what the lexer took for a comment or a string (or the reverse) is a
 * disagreement: SQL_AMBIGUOUS.
 */
import type { Token } from './lexer.js';

const NAMED_NODES = new Set(['RangeVar', 'ColumnRef', 'FuncCall']);

/** Byte offsets (UTF-8, as libpg-query reports locations) of every name token, relative to the trimmed text. */
function nameStarts(tokens: readonly Token[], trimmed: string): Set<number> {
  const base = tokens[0]?.start ?? 0;
  const starts = new Set<number>();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  const ascii = !/[^\u0000-\u007f]/.test(trimmed);
  let chars = 0;
  let bytes = 0;
  for (const token of tokens) {
    // `*` starts a star column reference
    if (token.kind !== 'word' && token.kind !== 'quoted' && token.text !== '*') continue;
    const at = token.start - base;
    if (ascii) {
      starts.add(at);
      continue;
    }
    bytes += Buffer.byteLength(trimmed.slice(chars, at), 'utf8');
    chars = at;
    starts.add(bytes);
  }
  return starts;
}

/** The first node (type and location) that starts where the lexer saw no name, if any. */
export function postgresDisagreement(root: unknown, tokens: readonly Token[], trimmed: string): string | undefined {
  const starts = nameStarts(tokens, trimmed);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === 'object') stack.push(child);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      if (NAMED_NODES.has(key)) {
        const location = (value as { location?: unknown }).location;
        if (typeof location === 'number' && location >= 0 && !starts.has(location)) return `${key}@${location}`;
      }
      stack.push(value);
    }
  }
  return undefined;
}

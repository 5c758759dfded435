/**
 * The function allow-list on MariaDB and SQLite, checked twice: on node-sql-parser's tree (every `function` and
 * `aggr_func` node, wherever it is, in the one walk of generic-walk.ts) and on the tokens (every identifier directly followed by `(` that is not a
 * keyword, a type or a column list), so a call the parser represents some other way is still seen.
 */
import type { SqlDialect } from '../dialect.js';
import type { GuardCode } from '../types.js';
import {
  type CalledFunction,
  type FunctionAllowList,
  functionAllowList,
  functionNotAllowedReason,
} from './functions.js';
import type { Token } from './lexer.js';

type Node = Record<string, unknown>;

interface Problem {
  code: GuardCode;
  reason: string;
}

/** Words followed by `(` that are syntax or type names, not calls (also left out of a verdict's `functions`). */
export const NOT_CALLS = new Set([
  'select',
  'from',
  'as',
  'in',
  'exists',
  'using',
  'values',
  'value',
  'over',
  'filter',
  'on',
  'and',
  'or',
  'not',
  'when',
  'then',
  'else',
  'case',
  'join',
  'where',
  'any',
  'all',
  'some',
  'lateral',
  'with',
  'union',
  'intersect',
  'except',
  'by',
  'is',
  'row',
  'array',
  'distinct',
  'having',
  'recursive',
  'within',
  'like',
  'between',
  'limit',
  'offset',
  'window',
  'partition',
  'rows',
  'range',
  'groups',
  'columns',
  'path',
  'nested',
  'index',
  'key',
  'match',
  'against',
  'rollup',
  'explain',
  'escape',
  'returning',
  'cast',
  'extract',
  'interval',
  // types in CAST/CONVERT targets
  'char',
  'varchar',
  'nchar',
  'binary',
  'varbinary',
  'decimal',
  'dec',
  'numeric',
  'float',
  'double',
  'real',
  'int',
  'integer',
  'bigint',
  'smallint',
  'tinyint',
  'unsigned',
  'signed',
  'datetime',
  'time',
  'timestamp',
  'text',
  'blob',
]);

/** Every identifier followed by `(` must be an allowed function (or syntax): the parser-independent check. */
export function tokenCallProblem(
  tokens: readonly Token[],
  dialect: SqlDialect,
  allowFunctions: readonly string[] = [],
): Problem | undefined {
  const allowed = functionAllowList(dialect, allowFunctions);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    const next = tokens[i + 1]!;
    if (next.kind !== 'punct' || next.text !== '(') continue;
    const previous = tokens[i - 1];
    const qualified = previous?.kind === 'punct' && previous.text === '.';
    if (!qualified && token.kind === 'word' && NOT_CALLS.has(token.lower)) continue;
    // `AS t(a, b)`, `CAST(x AS DECIMAL(10, 2))`: a column list or a type
    if (previous?.kind === 'word' && previous.lower === 'as') continue;
    const schemaToken = qualified ? tokens[i - 2] : undefined;
    const call: CalledFunction = { name: token.lower, schema: schemaToken?.lower };
    if (allowed.allows(call)) continue;
    // (after the allow-list: this scans to the closing parenthesis)
    if (!qualified && columnListOfCte(tokens, i + 1)) continue;
    return { code: 'FUNCTION_NOT_ALLOWED', reason: functionNotAllowedReason(call) };
  }
  return undefined;
}

/** `WITH name(a, b) AS (`: the `(` at `open` closes before `AS (`. */
function columnListOfCte(tokens: readonly Token[], open: number): boolean {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) {
        const as = tokens[j + 1];
        const paren = tokens[j + 2];
        return as?.kind === 'word' && as.lower === 'as' && paren?.kind === 'punct' && paren.text === '(';
      }
    }
  }
  return false;
}

/** A call node of the tree (function or aggregate) that is not allowed, if this node is one. */
export function treeCallProblem(node: Node, allowed: FunctionAllowList): Problem | undefined {
  const call = calledFunction(node);
  if (call && !allowed.allows(call)) return { code: 'FUNCTION_NOT_ALLOWED', reason: functionNotAllowedReason(call) };
  return undefined;
}

/** Syntax node-sql-parser writes as a function node (`EXISTS (subquery)`). */
const SYNTAX_AS_FUNCTIONS = new Set(['exists', 'not exists', 'cast']);

function calledFunction(node: Node): CalledFunction | undefined {
  if (node.type === 'aggr_func' && typeof node.name === 'string') return { name: node.name.toLowerCase() };
  if (node.type !== 'function') return undefined;
  const name = node.name as { name?: unknown; schema?: unknown } | string | undefined;
  if (typeof name === 'string') return { name: name.toLowerCase() };
  const parts = (Array.isArray(name?.name) ? name.name : []).map((p: unknown) => text(p) ?? '');
  const schema = text(name?.schema) ?? (parts.length >= 2 ? parts[parts.length - 2] : undefined);
  if (schema === undefined && parts.length === 1 && SYNTAX_AS_FUNCTIONS.has(parts[0]!.toLowerCase())) return undefined;
  return { name: (parts[parts.length - 1] ?? '').toLowerCase(), schema: schema?.toLowerCase() };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as Node).value === 'string') {
    return (value as Node).value as string;
  }
  return undefined;
}

/**
 * Tie-aware top-k for the golden runner: when a gold query ends in `ORDER BY ... LIMIT n`, the runner also runs it
 * without the LIMIT and hands the comparator the full ordering and the columns that rank (CompareOptions.ties), so a
 * prediction that breaks a tie at the cut differently is still right. The gold's trailing ORDER BY items on columns
 * whose values are unique in the full result (`c.id`, `month`) are its deterministic tie-breakers, not part of the
 * ranking the question asks for, and are left out; ORDER BY items that are not output columns make the case strict.
 */
import type { TieInfo } from '../comparator.js';

const TAIL = /\border\s+by\s+([\s\S]+?)\s+limit\s+(\d+)\s*;?\s*$/i;

/** The gold SQL without its final LIMIT, the LIMIT and the ORDER BY items; undefined when it does not end so. */
export function splitTopK(sql: string): { unlimited: string; limit: number; orderBy: string[] } | undefined {
  const m = TAIL.exec(sql.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const orderBy = splitTopLevel(m[1]);
  const unlimited = sql.trim().replace(/\s+limit\s+\d+\s*;?\s*$/i, '');
  return { unlimited, limit: Number(m[2]), orderBy };
}

function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  items.push(current.trim());
  return items;
}

/** The output column an ORDER BY item names (`tickets DESC`, `c.id`, `2`), or -1. */
function columnOf(item: string, columns: readonly string[]): number {
  const expr = item
    .replace(/\s+(asc|desc)\b.*$/i, '')
    .replace(/\s+nulls\s+(first|last)$/i, '')
    .trim();
  if (/^\d+$/.test(expr)) return Number(expr) - 1 < columns.length ? Number(expr) - 1 : -1;
  const name = /^(?:[A-Za-z_][\w]*\.)?"?([A-Za-z_][\w]*)"?$/.exec(expr)?.[1];
  return name === undefined ? -1 : columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
}

/** Tie info from the gold's ORDER BY items, its columns and its full (unlimited) result; undefined when strict. */
export function tieInfo(orderBy: readonly string[], columns: readonly string[], full: unknown[][], limit: number) {
  const keys = orderBy.map((item) => columnOf(item, columns));
  if (keys.length === 0 || keys.some((k) => k < 0)) return undefined;
  const unique = (c: number) => new Set(full.map((row) => JSON.stringify(String(row[c])))).size === full.length;
  while (keys.length > 1 && unique(keys[keys.length - 1] as number)) keys.pop();
  if (keys.length === 1 && unique(keys[0] as number)) return undefined;
  return { full, keyColumns: keys, limit } satisfies TieInfo;
}

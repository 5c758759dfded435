/**
 * MariaDB's EXPLAIN does not model LIMIT: `SELECT * FROM big LIMIT 5` estimates a full scan although the server stops
 * after five rows. When the outermost statement ends in `LIMIT n [OFFSET m]` and nothing at the top level must see
 * every row first (GROUP BY, DISTINCT, HAVING, aggregates, window functions, ORDER BY, UNION), the top block's
 * estimate is scaled down to the rows the LIMIT lets through. The scan is lexical and errs towards "blocking" (a
 * keyword inside a string counts), which only keeps the unscaled, larger estimate.
 */

export interface TopLevelLimit {
  /** Rows the LIMIT lets through (limit + offset). */
  rows: number;
}

const BLOCKING =
  /^(group|distinct|having|over|window|union|intersect|except|order|count|sum|avg|min|max|group_concat|json_arrayagg|json_objectagg|std|stddev|variance|bit_and|bit_or|bit_xor)$/i;
const TAIL = /\blimit\s+(\d+)\s*(?:(?:,|offset)\s*(\d+))?\s*$/i;

export function streamingLimit(sql: string): TopLevelLimit | undefined {
  const match = TAIL.exec(sql);
  if (!match) return undefined;
  const top = topLevelWords(sql.slice(0, match.index));
  if (top === undefined || top.some((word) => BLOCKING.test(word))) return undefined;
  // `LIMIT a, b` is offset a, count b; `LIMIT a OFFSET b` is count a, offset b: either way the sum is what is read.
  const rows = Number(match[1]) + Number(match[2] ?? 0);
  return Number.isSafeInteger(rows) ? { rows } : undefined;
}

/** Words outside parentheses, strings, quoted names and comments; undefined when the text does not balance. */
function topLevelWords(sql: string): string[] | undefined {
  const words: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closing(sql, i, c);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '#') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) return undefined;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      if (depth === 0) words.push(sql.slice(i, j));
      i = j;
    } else {
      i++;
    }
  }
  return depth === 0 ? words : undefined;
}

function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}

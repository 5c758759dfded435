/**
 * Text rewrites of gold SQL, one family per mistake real models make. Each returns candidate mutated statements (one
 * per place the mistake could be made); the mutant suite executes them and keeps the first whose result differs from
 * the gold result, so a mutation that changes nothing is never counted as a mistake. Rewrites work on the statement
 * text with a small scanner that skips string literals and tracks parenthesis depth; a rewrite the database rejects
 * is simply not a candidate.
 */

/** Positions of `keyword` (case-insensitive, whole word) outside string literals, with the paren depth there. */
function keywordPositions(sql: string, keyword: RegExp): { index: number; length: number; depth: number }[] {
  const found: { index: number; length: number; depth: number }[] = [];
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (/[A-Za-z]/.test(ch ?? '') && !/[\w.]/.test(sql[i - 1] ?? ' ')) {
      const m = keyword.exec(sql.slice(i));
      if (m && m.index === 0) {
        found.push({ index: i, length: m[0].length, depth });
        i += m[0].length - 1;
      }
    }
  }
  return found;
}

const CLAUSE_END = /^(?:group\s+by|order\s+by|having|limit|union|window|returning)\b/i;

/** End of the clause starting at `from` (same depth: a closing paren, a following clause keyword or the end). */
function clauseEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') {
      if (depth === 0) return i;
      depth--;
    }
    if (depth === 0 && /[A-Za-z]/.test(ch ?? '') && !/[\w.]/.test(sql[i - 1] ?? ' ') && CLAUSE_END.test(sql.slice(i)))
      return i;
  }
  return sql.length;
}

/** Top-level AND conjuncts of a condition, as [start, end) ranges; BETWEEN's AND stays inside its conjunct. */
function conjuncts(text: string): [number, number][] {
  const ands = keywordPositions(text, /^(?:and|between)\b/i).filter((p) => p.depth === 0);
  const ranges: [number, number][] = [];
  let start = 0;
  let inBetween = false;
  for (const p of ands) {
    const word = text.slice(p.index, p.index + p.length).toLowerCase();
    if (word === 'between') {
      inBetween = true;
      continue;
    }
    if (inBetween) {
      inBetween = false;
      continue;
    }
    ranges.push([start, p.index]);
    start = p.index + p.length;
  }
  ranges.push([start, text.length]);
  return ranges;
}

/** Drops one WHERE/HAVING condition (or the whole clause when it has one). */
export function dropFilter(sql: string): string[] {
  const out: string[] = [];
  for (const kw of keywordPositions(sql, /^(?:where|having)\b/i)) {
    const bodyStart = kw.index + kw.length;
    const end = clauseEnd(sql, bodyStart);
    const body = sql.slice(bodyStart, end);
    const parts = conjuncts(body);
    if (parts.length === 1) {
      out.push(`${sql.slice(0, kw.index)} ${sql.slice(end)}`);
      continue;
    }
    for (const [i] of parts.entries()) {
      const kept = parts.filter((_, j) => j !== i).map(([a, b]) => body.slice(a, b).trim());
      out.push(`${sql.slice(0, bodyStart)} ${kept.join(' AND ')} ${sql.slice(end)}`);
    }
  }
  return out;
}

/** COUNT(DISTINCT x) <-> COUNT(x), SUM <-> AVG, at each place. */
export function wrongAggregate(sql: string): string[] {
  const out: string[] = [];
  for (const p of keywordPositions(sql, /^count\s*\(\s*distinct\s+/i))
    out.push(`${sql.slice(0, p.index)}COUNT(${sql.slice(p.index + p.length)}`);
  for (const p of keywordPositions(sql, /^count\s*\(\s*(?!\*|distinct\b)/i))
    out.push(`${sql.slice(0, p.index)}COUNT(DISTINCT ${sql.slice(p.index + p.length)}`);
  for (const p of keywordPositions(sql, /^sum\s*\(/i))
    out.push(`${sql.slice(0, p.index)}AVG(${sql.slice(p.index + p.length)}`);
  for (const p of keywordPositions(sql, /^avg\s*\(/i))
    out.push(`${sql.slice(0, p.index)}SUM(${sql.slice(p.index + p.length)}`);
  return out;
}

/** Child tables of the demo schema by parent: [child, foreign key column]. */
const CHILDREN: Record<string, [string, string][]> = {
  customers: [
    ['orders', 'customer_id'],
    ['support_tickets', 'customer_id'],
    ['subscriptions', 'customer_id'],
  ],
  orders: [
    ['order_items', 'order_id'],
    ['refunds', 'order_id'],
  ],
  products: [['order_items', 'product_id']],
  campaigns: [
    ['marketing_spend', 'campaign_id'],
    ['customers', 'campaign_id'],
  ],
};
const NOT_ALIAS =
  /^(?:where|join|left|right|inner|outer|cross|full|group|order|limit|on|union|having|as|using|natural)$/i;

/**
 * Wrong join key (`ON c.id = o.customer_id` becomes `ON c.id = o.id`), else fan-out: a join to a child table that
 * repeats each parent row (orders joined to their order_items before summing orders.total).
 */
export function wrongJoin(sql: string): string[] {
  const out: string[] = [];
  const on = /\bon\s+(\w+)\.(\w+)\s*=\s*(\w+)\.(\w+)/gi;
  for (const m of sql.matchAll(on)) {
    const [all, a, ca, b, cb] = m;
    const swapped =
      cb !== 'id' ? `ON ${a}.${ca} = ${b}.id` : ca !== 'id' ? `ON ${a}.id = ${b}.${cb}` : `ON ${a}.id = ${b}.id + 1`;
    out.push(`${sql.slice(0, m.index)}${swapped}${sql.slice((m.index ?? 0) + all.length)}`);
  }
  const from = /\b(from|join)\s+(customers|orders|products|campaigns)\b(?:\s+(?:as\s+)?(\w+))?/gi;
  for (const m of sql.matchAll(from)) {
    const [all, , table, maybeAlias] = m;
    const alias = maybeAlias && !NOT_ALIAS.test(maybeAlias) ? maybeAlias : undefined;
    const end = (m.index ?? 0) + (alias ? all.length : all.length - (maybeAlias ? maybeAlias.length : 0));
    // a join inserted right after the table (and its ON clause, for a JOIN) keeps the statement valid
    const insertAt = m[1]?.toLowerCase() === 'join' ? clauseEndOfOn(sql, end) : end;
    for (const [child, fk] of CHILDREN[(table ?? '').toLowerCase()] ?? []) {
      const join = ` JOIN ${child} fan_${child} ON fan_${child}.${fk} = ${alias ?? table}.${table === 'campaigns' && child === 'customers' ? 'id' : 'id'} `;
      out.push(`${sql.slice(0, insertAt)}${join}${sql.slice(insertAt)}`);
    }
  }
  return out;
}

/** After `JOIN t a`: the end of its `ON ...` condition (the next JOIN, WHERE, clause keyword or paren). */
function clauseEndOfOn(sql: string, from: number): number {
  const rest = sql.slice(from);
  const m = /^\s+on\b/i.exec(rest);
  if (!m) return from;
  const next = keywordPositions(rest, /^(?:join|left|inner|cross|where|group|order|limit|having|union)\b/i).find(
    (p) => p.depth === 0 && p.index > m[0].length,
  );
  return from + (next ? next.index : clauseEnd(sql, from) - from);
}

function shiftDay(day: string, by: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}

/** Off-by-one periods: a date literal a day earlier or later, `-N days/months` one more, `<` made inclusive. */
export function wrongPeriod(sql: string): string[] {
  const out: string[] = [];
  for (const m of sql.matchAll(/'(\d{4}-\d{2}-\d{2})((?: \d{2}:\d{2}(?::\d{2})?)?)'/g)) {
    const at = m.index ?? 0;
    for (const by of [1, -1])
      out.push(`${sql.slice(0, at)}'${shiftDay(m[1] ?? '', by)}${m[2] ?? ''}'${sql.slice(at + m[0].length)}`);
  }
  for (const m of sql.matchAll(/'([+-]?)(\d+) (day|days|month|months|year|years)'/gi)) {
    const at = m.index ?? 0;
    const n = Number(m[2]) + 1;
    out.push(`${sql.slice(0, at)}'${m[1]}${n} ${m[3]}'${sql.slice(at + m[0].length)}`);
  }
  for (const m of sql.matchAll(/interval\s+'(\d+) (day|days|month|months)'/gi)) {
    const at = m.index ?? 0;
    out.push(`${sql.slice(0, at)}INTERVAL '${Number(m[1]) + 1} ${m[2]}'${sql.slice(at + m[0].length)}`);
  }
  for (const m of sql.matchAll(/(_at|_on|_date)\s*<\s*(?!=)/gi)) {
    const at = (m.index ?? 0) + (m[1]?.length ?? 0);
    out.push(`${sql.slice(0, at)} <= ${sql.slice((m.index ?? 0) + m[0].length)}`);
  }
  for (const m of sql.matchAll(/(_at|_on|_date)\s*>=\s*/gi)) {
    const at = (m.index ?? 0) + (m[1]?.length ?? 0);
    out.push(`${sql.slice(0, at)} > ${sql.slice((m.index ?? 0) + m[0].length)}`);
  }
  return out;
}

/**
 * Wrong source for a synonym in the demo schema: revenue before discounts (subtotal) for after (total) and back,
 * account creation for signup date, the catalogue's list price for the price an item sold at, the customer's current
 * plan for the subscription's plan.
 */
export function wrongSource(sql: string): string[] {
  const out: string[] = [];
  const swaps: [RegExp, string][] = [
    [/\btotal\b/gi, 'subtotal'],
    [/\bsubtotal\b/gi, 'total'],
    [/\bsignup_date\b/gi, 'created_at'],
    [/\bunit_cost\b/gi, 'unit_price'],
    [/\bsales_channel\b/gi, "'web'"],
  ];
  for (const [pattern, to] of swaps) {
    for (const m of sql.matchAll(pattern)) {
      const at = m.index ?? 0;
      // skip aliases (`AS total`) and output names: only column references change the source
      if (/\bas\s+$/i.test(sql.slice(Math.max(0, at - 4), at))) continue;
      out.push(`${sql.slice(0, at)}${to}${sql.slice(at + m[0].length)}`);
    }
  }
  const itemAlias = /\border_items\s+(?:as\s+)?(\w+)/i.exec(sql)?.[1];
  const productAlias = /\bproducts\s+(?:as\s+)?(\w+)/i.exec(sql)?.[1];
  if (itemAlias && productAlias) {
    const own = new RegExp(`\\b${itemAlias}\\.unit_price\\b`, 'g');
    for (const m of sql.matchAll(own)) {
      const at = m.index ?? 0;
      out.push(`${sql.slice(0, at)}${productAlias}.unit_price${sql.slice(at + m[0].length)}`);
    }
  }
  return out;
}

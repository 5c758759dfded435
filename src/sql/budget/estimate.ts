/**
 * The planner's estimate for a statement, read from EXPLAIN (never ANALYZE: nothing runs).
 *
 * - PostgreSQL: `EXPLAIN (FORMAT JSON)`; rows are the top plan node's "Plan Rows" (what the statement returns) and
 *   cost its "Total Cost" in the planner's units (1.0 = one sequential page read).
 * - MariaDB/MySQL: `EXPLAIN FORMAT=JSON`; MariaDB 10.x reports no plan cost, so the cost is the estimated number of
 *   rows examined: per query block, the nested-loop sum r1 + r1*f1*r2 + ... (rows times filtered fraction of the
 *   tables before), over every block (derived tables, subqueries, union parts; a correlated subquery counts once
 *   per estimated outer row). Rows are the outermost block's estimated join rows (before GROUP BY and LIMIT, which
 *   the plan does not model), so they are an upper bound.
 * - SQLite: EXPLAIN QUERY PLAN carries no estimates; there is nothing to budget.
 */
import type { SqlDialect } from '../dialect.js';
import { streamingLimit } from './limit.js';

export interface PlanEstimate {
  /** Estimated rows the statement produces. */
  rows: number;
  /** PostgreSQL: planner cost units; MariaDB/MySQL: estimated rows examined. */
  cost: number;
}

/** What the cost number means on a dialect, for messages. */
export function costUnit(dialect: SqlDialect): string {
  return dialect === 'postgres' ? 'planner cost' : 'rows examined';
}

/** The EXPLAIN statement for an allowed statement, or undefined when the dialect has no estimates. */
export function explainStatement(dialect: SqlDialect, sql: string): string | undefined {
  if (dialect === 'postgres') return `EXPLAIN (FORMAT JSON) ${sql}`;
  if (dialect === 'mariadb') return `EXPLAIN FORMAT=JSON ${sql}`;
  return undefined;
}

/**
 * Reads the estimate from EXPLAIN's single result cell; undefined when the output is not what we expect. `sql` is
 * the statement that was explained (MariaDB: a streaming top-level LIMIT scales the estimate, see ./limit.ts).
 */
export function parseExplain(dialect: SqlDialect, cell: unknown, sql = ''): PlanEstimate | undefined {
  let plan: unknown = cell;
  if (typeof cell === 'string') {
    try {
      plan = JSON.parse(cell);
    } catch {
      return undefined;
    }
  }
  const estimate =
    dialect === 'postgres' ? postgresEstimate(plan) : dialect === 'mariadb' ? mariadbEstimate(plan, sql) : undefined;
  if (!estimate || !Number.isFinite(estimate.rows) || !Number.isFinite(estimate.cost)) return undefined;
  return { rows: Math.round(estimate.rows), cost: Math.round(estimate.cost * 100) / 100 };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const num = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function postgresEstimate(plan: unknown): PlanEstimate | undefined {
  const top = Array.isArray(plan) ? plan[0] : plan;
  if (!isObject(top) || !isObject(top.Plan)) return undefined;
  const rows = num(top.Plan['Plan Rows']);
  const cost = num(top.Plan['Total Cost']);
  return rows === undefined || cost === undefined ? undefined : { rows, cost };
}

interface BlockEstimate {
  /** Estimated rows out of the block's joins. */
  rows: number;
  /** Rows examined by the block's own nested loop. */
  own: number;
  /** Rows examined by the blocks inside it (derived tables, subqueries). */
  inner: number;
  /** The block sorts, groups or deduplicates: it reads every row before returning the first. */
  blocking: boolean;
}

/** Keys of MariaDB's JSON plan that mean the block materialises its rows before returning any. */
const BLOCKING_KEYS = new Set([
  'filesort',
  'temporary_table',
  'read_sorted_file',
  'duplicates_removal',
  'having_condition',
]);

function mariadbEstimate(plan: unknown, sql: string): PlanEstimate | undefined {
  if (!isObject(plan) || !isObject(plan.query_block)) return undefined;
  const block = queryBlock(plan.query_block);
  const limit = block.blocking ? undefined : streamingLimit(sql);
  if (limit && block.rows > limit.rows) {
    const scale = limit.rows / block.rows;
    return { rows: limit.rows, cost: block.own * scale + block.inner };
  }
  return { rows: block.rows, cost: block.own + block.inner };
}

/** One query block: the tables of its nested loop in order, and the blocks nested in it. */
function queryBlock(block: Json): BlockEstimate {
  if (isObject(block.union_result)) return unionResult(block.union_result);
  const walk: Walk = { tables: [], inner: [], blocking: false };
  collect(block, walk, false);
  let prefix = 1;
  let own = 0;
  for (const table of walk.tables) {
    const rows = num(table.rows) ?? num(table.rows_examined_per_scan);
    if (rows === undefined) continue;
    const filtered = num(table.filtered) ?? 100;
    own += prefix * rows;
    prefix *= (rows * filtered) / 100;
  }
  const impossible = walk.tables.some(
    (t) => typeof t.message === 'string' && /impossible|no matching/i.test(t.message),
  );
  const rows = impossible ? 0 : prefix;
  let inner = 0;
  for (const child of walk.inner)
    inner += (child.estimate.own + child.estimate.inner) * (child.correlated ? Math.max(1, rows) : 1);
  return { rows, own, inner, blocking: walk.blocking || walk.inner.some((c) => c.correlated) };
}

function unionResult(union: Json): BlockEstimate {
  const specs = Array.isArray(union.query_specifications) ? union.query_specifications : [];
  let rows = 0;
  let inner = 0;
  for (const spec of specs) {
    if (!isObject(spec) || !isObject(spec.query_block)) continue;
    const part = queryBlock(spec.query_block);
    rows += part.rows;
    inner += part.own + part.inner;
  }
  return { rows, own: 0, inner, blocking: true };
}

interface Walk {
  tables: Json[];
  inner: { estimate: BlockEstimate; correlated: boolean }[];
  blocking: boolean;
}

/** Walks one block's JSON: "table" objects belong to it; every nested "query_block" is a block of its own. */
function collect(node: unknown, walk: Walk, correlated: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, walk, correlated);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (BLOCKING_KEYS.has(key)) walk.blocking = true;
    if (key === 'query_block' && isObject(value)) {
      walk.inner.push({ estimate: queryBlock(value), correlated: correlated || value.dependent === true });
    } else if (key === 'union_result' && isObject(value)) {
      walk.inner.push({ estimate: unionResult(value), correlated });
    } else if (key === 'table' && isObject(value)) {
      walk.tables.push(value);
      collect(value, walk, correlated);
    } else if (key === 'expression_cache') {
      collect(value, walk, true);
    } else {
      collect(value, walk, correlated);
    }
  }
}

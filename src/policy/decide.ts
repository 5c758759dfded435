/**
 * The verdict of the access policy on one statement the guard allowed: refused (with what was denied, never data)
 * or allowed with the result columns to mask. Pure: the relation facts come from rules + a catalog snapshot.
 *
 * - every relation must be one the catalog knows and not hidden (a hidden table, or a view that reads one);
 * - a denied column may not be read in any way, including through `*` (use explicit columns);
 * - a masked column may only be selected as it is in the outermost SELECT list (bare or through `*`): its result
 *   column is masked. Filtering, joining, grouping, sorting or computing on it, or selecting it in a subquery, CTE or
 *   UNION, is refused, since each would reveal its values;
 * - catalog queries (information_schema, pg_catalog, sqlite_master, SHOW TABLES, catalog functions) are refused:
 *   they would show hidden tables. Use list_tables and describe_table.
 */
import type { GuardAllowed } from '../sql/index.js';
import { relationLabel } from './patterns.js';
import {
  type CatalogSnapshot,
  candidates,
  createRelationJudge,
  describeAction,
  type RelationFacts,
  resolveRelation,
} from './relations.js';
import type { DataRules } from './rules.js';

export interface DeniedItem {
  table: string;
  column?: string;
}

export type StatementDecision =
  | { allowed: true; maskedColumns: string[] }
  | { allowed: false; reason: string; denied: DeniedItem };

const CATALOG_FUNCTIONS = [/^pg_/, /^to_reg/, /^has_.*_privilege$/, /_description$/, /^pragma_/];
const HARMLESS_FUNCTIONS = new Set(['pg_typeof', 'pg_size_pretty', 'pg_column_size']);

export function decideStatement(rules: DataRules, snapshot: CatalogSnapshot, verdict: GuardAllowed): StatementDecision {
  if (!rules.restricted) return { allowed: true, maskedColumns: [] };
  const refuse = (reason: string, denied: DeniedItem): StatementDecision => ({ allowed: false, reason, denied });
  if (verdict.kind === 'show' && verdict.tables.length === 0 && verdict.dialect !== 'postgres') {
    return refuse('Catalog listings are not available on this connection; use list_tables and describe_table.', {
      table: '(catalog)',
    });
  }
  const catalogFunction = (verdict.functions ?? []).find(
    (f) => !HARMLESS_FUNCTIONS.has(f) && CATALOG_FUNCTIONS.some((p) => p.test(f)),
  );
  if (catalogFunction) {
    return refuse(
      `The catalog function ${catalogFunction}() is not available on this connection; use list_tables and describe_table.`,
      { table: '(catalog)' },
    );
  }
  const judge = createRelationJudge(rules, snapshot);
  const relations: RelationFacts[] = [];
  for (const table of verdict.tables) {
    const label = relationLabel(table);
    const found = resolveRelation(snapshot, table);
    if (found.length === 0) {
      return refuse(`${label} is not a table or view you can use on this connection (see list_tables).`, {
        table: label,
      });
    }
    for (const relation of found) {
      const facts = judge.facts(relation);
      if (facts.hidden) {
        return refuse(`${label} is not available to you: the access policy hides it.`, { table: label });
      }
      relations.push(facts);
    }
  }
  if (verdict.kind === 'show' || verdict.kind === 'describe') {
    const problem = catalogStatementProblem(verdict, relations);
    if (problem) return refuse(problem.reason, problem.denied);
  }
  const masked = new Set<string>();
  for (const ref of verdict.columns) {
    const notation = functionalNotation(verdict.dialect, ref, relations);
    if (notation) return refuse(notation.reason, notation.denied);
    const from = candidates(ref, relations);
    if (ref.usage === 'output') {
      const denied = deniedIn(ref.column, from);
      if (denied) return refuse(deniedReason(ref.column, denied), denied);
      if (ref.column === '*') {
        for (const source of from) for (const c of source.restricted()) masked.add(c.column.toLowerCase());
      } else if (from.some((s) => s.column(ref.column) === 'mask')) {
        masked.add((ref.as ?? ref.column).toLowerCase());
      }
      continue;
    }
    const denied = deniedIn(ref.column, from);
    if (denied) return refuse(deniedReason(ref.column, denied), denied);
    const maskedItem = restrictedItem(ref.column, from);
    if (maskedItem) {
      const hint =
        ref.table === undefined && ref.column !== '*' ? ' If you meant a column of another table, qualify it.' : '';
      return refuse(
        `${maskedItem.table}.${maskedItem.column} is masked: it can only be selected as it is in the outermost SELECT (its values are shown masked), not filtered, joined, grouped, sorted, computed on or used in a subquery, CTE or UNION.${hint}`,
        maskedItem,
      );
    }
  }
  return { allowed: true, maskedColumns: [...masked] };
}

/**
 * SHOW/DESCRIBE/PRAGMA on a relation: `SHOW CREATE` shows the whole DDL (every column, foreign keys naming other
 * tables, a view's definition), so it is refused under rules; the column listings are refused when the relation has
 * a denied column (describe_table leaves those out), and allowed otherwise.
 */
function catalogStatementProblem(
  verdict: GuardAllowed,
  relations: readonly RelationFacts[],
): { reason: string; denied: DeniedItem } | undefined {
  const first = relations[0];
  if (/^show\s+create\b/i.test(verdict.sql)) {
    return {
      reason:
        'SHOW CREATE shows every column, foreign keys and view definitions, which the access policy may hide here; use describe_table.',
      denied: { table: first?.label ?? '(catalog)' },
    };
  }
  for (const source of relations) {
    const denied = source.restricted().find((c) => c.action === 'deny');
    if (denied) {
      return {
        reason: `${source.label}.${denied.column} is denied by the access policy, and this statement lists it; use describe_table, which leaves it out.`,
        denied: { table: source.label, column: denied.column },
      };
    }
  }
  return undefined;
}

/**
 * PostgreSQL reads `t.x` (and `(t).x`) as a call x(t) when t has no column x: a user-defined function reached without
 * parentheses. A qualified name that is not a known column of its table is refused.
 */
function functionalNotation(
  dialect: string,
  ref: { table?: string; column: string; qualified?: boolean },
  relations: readonly RelationFacts[],
): { reason: string; denied: DeniedItem } | undefined {
  if (dialect !== 'postgres' || !ref.qualified || ref.table === undefined || ref.column === '*') return undefined;
  const named = relations.filter((r) => r.relation.name.toLowerCase() === ref.table!.toLowerCase());
  const column = ref.column.toLowerCase();
  const unknown = named.find((r) => r.columns !== undefined && !r.columns.some((c) => c.toLowerCase() === column));
  if (!unknown || named.some((r) => r.columns === undefined || r.columns.some((c) => c.toLowerCase() === column))) {
    return undefined;
  }
  return {
    reason: `${unknown.label} has no column ${ref.column}; on PostgreSQL ${unknown.label}.${ref.column} would call a function ${ref.column}(${unknown.label}), which is not allowed.`,
    denied: { table: unknown.label, column: ref.column },
  };
}

/** The first denied column a reference may read. */
function deniedIn(column: string, from: readonly RelationFacts[]): DeniedItem | undefined {
  for (const source of from) {
    const label = source.label;
    if (column === '*') {
      const first = source.restricted().find((c) => c.action === 'deny');
      if (first) return { table: label, column: first.column };
    } else if (source.column(column) === 'deny') {
      return { table: label, column };
    }
  }
  return undefined;
}

function restrictedItem(column: string, from: readonly RelationFacts[]): DeniedItem | undefined {
  for (const source of from) {
    const label = source.label;
    if (column === '*') {
      const first = source.restricted()[0];
      if (first) return { table: label, column: first.column };
    } else if (source.column(column)) return { table: label, column };
  }
  return undefined;
}

function deniedReason(column: string, denied: DeniedItem): string {
  const name = `${denied.table}.${denied.column}`;
  if (column === '*') {
    return `SELECT * would read ${name}, which the access policy denies; list the columns you need instead.`;
  }
  return `${name} is ${describeAction('deny')} by the access policy; leave it out (if you meant a column of another table, qualify it).`;
}

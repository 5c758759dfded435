/**
 * Column extraction shared by the PostgreSQL and node-sql-parser walkers: which real tables a column reference may
 * belong to, and whether it reaches the result as a plain value.
 *
 * Contract (what the access policy relies on; see src/policy): every way a statement can read a column yields at
 * least one ColumnRef that may name it. Resolution is deliberately conservative:
 * - a qualifier resolves to every real table registered under that alias or name, in any scope (two subqueries may
 *   both use alias `c`); a qualifier naming a CTE, a subquery or nothing known gives `table: undefined`, which
 *   consumers must treat as "any table of the statement";
 * - `*` and `t.*` are ColumnRefs with column '*';
 * - `usage: 'output'` is given only to a bare column or star in the outermost SELECT list of a statement that is not
 *   a set operation (its values reach the result unchanged, under the name `as`); every other appearance (WHERE,
 *   JOIN, GROUP BY, ORDER BY, an expression, a subquery, a CTE, a view body) is a read.
 * - ORDER BY / GROUP BY positions and output aliases are resolved to the column they sort or group by, as a read.
 */
import type { ColumnRef } from '../types.js';

interface RawRef {
  qualifier: string | undefined;
  column: string;
  usage: 'output' | 'read';
  as: string | undefined;
}

/** A plain output column of the outermost SELECT, by position, for ORDER BY 1 / ORDER BY alias. */
export interface OutputTarget {
  qualifier: string | undefined;
  column: string;
  alias: string | undefined;
}

export class ColumnCollector {
  /** alias or table name (lower case) -> real table names. */
  private readonly sources = new Map<string, Set<string>>();
  /** aliases (lower case) of CTE references, subqueries, functions and joins: not real tables. */
  private readonly derived = new Set<string>();
  private readonly raw: RawRef[] = [];

  registerTable(name: string, alias?: string): void {
    for (const key of [name, alias]) {
      if (!key) continue;
      const lower = key.toLowerCase();
      const set = this.sources.get(lower) ?? new Set<string>();
      set.add(name);
      this.sources.set(lower, set);
    }
  }

  registerDerived(alias: string | undefined): void {
    if (alias) this.derived.add(alias.toLowerCase());
  }

  ref(qualifier: string | undefined, column: string, usage: 'output' | 'read' = 'read', as?: string): void {
    this.raw.push({ qualifier, column, usage, as: usage === 'output' && column !== '*' ? (as ?? column) : undefined });
  }

  /**
   * A bare name that may also be a whole-row reference (PostgreSQL `SELECT c FROM customers c`, `row_to_json(c)`):
   * recorded as a column, and as a star read of the table it may name.
   */
  nameOrRow(name: string, usage: 'output' | 'read', as?: string): void {
    this.ref(undefined, name, usage, as);
    const lower = name.toLowerCase();
    if (this.sources.has(lower) || this.derived.has(lower)) this.ref(name, '*', 'read');
  }

  /** A resolved ORDER BY / GROUP BY position or alias: the target column, read. */
  readTarget(target: OutputTarget): void {
    this.ref(target.qualifier, target.column, 'read');
  }

  columns(): ColumnRef[] {
    const seen = new Set<string>();
    const out: ColumnRef[] = [];
    const push = (ref: ColumnRef) => {
      const key = `${ref.table ?? ''}\u0000${ref.column}\u0000${ref.usage ?? ''}\u0000${ref.as ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(ref);
    };
    for (const raw of this.raw) {
      const base: ColumnRef = { column: raw.column, usage: raw.usage, ...(raw.as !== undefined ? { as: raw.as } : {}) };
      if (raw.qualifier === undefined) {
        push(base);
        continue;
      }
      const lower = raw.qualifier.toLowerCase();
      const tables = this.sources.get(lower);
      if (!tables || this.derived.has(lower)) push(base);
      for (const table of tables ?? []) push({ table, ...base });
    }
    return out;
  }
}

/**
 * Positions (1-based) and aliases in ORDER BY / GROUP BY of the outermost query, resolved to plain targets. A position
 * after a star cannot be known without the catalog, so it resolves to every target.
 */
export function resolveTargetReference(
  targets: readonly (OutputTarget | undefined)[],
  reference: { position?: number; name?: string },
): OutputTarget[] {
  const defined = targets.filter((t): t is OutputTarget => t !== undefined);
  if (reference.position !== undefined) {
    const index = reference.position - 1;
    if (targets.slice(0, Math.max(0, index)).some((t) => t?.column === '*') || index >= targets.length) return defined;
    const target = targets[index];
    return target ? [target] : [];
  }
  if (reference.name === undefined) return [];
  const lower = reference.name.toLowerCase();
  return defined.filter((t) => t.alias?.toLowerCase() === lower);
}

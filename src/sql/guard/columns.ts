/**
 * Column extraction shared by the PostgreSQL and node-sql-parser walkers: which real tables a column reference may
 * belong to, and whether it reaches the result as a plain value.
 *
 * Contract (what the access policy relies on; see src/policy): every way a statement can read a column of a real
 * table yields a ColumnRef naming that table (or one with `table: undefined`, meaning "any table of the statement").
 * Resolution follows SQL scoping, erring towards more tables, never fewer:
 * - each SELECT is a scope holding the tables and subqueries of its FROM clause; a reference sees its own scope and
 *   every enclosing one (correlation);
 * - a qualifier resolves to every real table registered under that alias or name in a visible scope (innermost
 *   first; an alias reused in two scopes resolves to both when both are visible); a qualifier naming a subquery or
 *   CTE yields nothing, since those columns are the subquery's own outputs, recorded where they are read;
 * - an unqualified column yields one ColumnRef per real table of the visible scopes;
 * - `*` covers the real tables of its own scope, `t.*` the table `t` names; a qualifier nobody registered gives
 *   `table: undefined`;
 * - `usage: 'output'` is given only to a bare column or star in the outermost SELECT list of a statement that is not
 *   a set operation (its values reach the result unchanged, under the name `as`); every other appearance (WHERE,
 *   JOIN, GROUP BY, ORDER BY, an expression, a subquery, a CTE, a view body) is a read;
 * - ORDER BY / GROUP BY positions and output aliases are resolved to the column they sort or group by, as a read.
 */
import type { ColumnRef } from '../types.js';

/** Bumped by every table registration anywhere, so a cached `visible()` set is never stale. */
let registrations = 0;

/** One SELECT's FROM clause: alias or name (lower case) -> real tables, and the aliases of subqueries and CTEs. */
export class Scope {
  readonly tables = new Map<string, Set<string>>();
  /** Aliases of subqueries and CTEs (lower case); made on first use. */
  private derived: Set<string> | undefined;
  readonly real = new Set<string>();
  private visibleCache: Set<string> | undefined;
  private visibleAt = -1;

  constructor(readonly parent: Scope | undefined) {}

  registerTable(name: string, alias?: string): void {
    registrations++;
    this.real.add(name);
    for (const key of [name, alias]) {
      if (!key) continue;
      const lower = key.toLowerCase();
      const set = this.tables.get(lower) ?? new Set<string>();
      set.add(name);
      this.tables.set(lower, set);
    }
  }

  registerDerived(alias: string | undefined): void {
    if (!alias) return;
    this.derived ??= new Set<string>();
    this.derived.add(alias.toLowerCase());
  }

  /** Real tables a qualifier names in this scope or an enclosing one; 'derived' for a subquery or CTE alias. */
  resolve(qualifier: string): ReadonlySet<string> | 'derived' | undefined {
    const lower = qualifier.toLowerCase();
    let first: Set<string> | undefined;
    let found: Set<string> | undefined;
    let derived = false;
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const tables = scope.tables.get(lower);
      if (tables !== undefined && tables.size > 0) {
        if (first === undefined) first = tables;
        else {
          found ??= new Set(first);
          for (const table of tables) found.add(table);
        }
      }
      if (scope.derived?.has(lower)) derived = true;
    }
    if (found !== undefined) return found;
    // one scope names it: a copy, so later registrations cannot change what the caller holds
    if (first !== undefined) return new Set(first);
    return derived ? 'derived' : undefined;
  }

  /** Every real table visible from here (the returned set is shared: do not change it). */
  visible(): ReadonlySet<string> {
    if (this.visibleCache !== undefined && this.visibleAt === registrations) return this.visibleCache;
    const out = new Set<string>();
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) for (const t of scope.real) out.add(t);
    this.visibleCache = out;
    this.visibleAt = registrations;
    return out;
  }
}

/** A plain output column of the outermost SELECT, by position, for ORDER BY 1 / ORDER BY alias. */
export interface OutputTarget {
  qualifier: string | undefined;
  column: string;
  alias: string | undefined;
}

export class ColumnCollector {
  private readonly out: ColumnRef[] = [];
  private readonly seen = new Set<string>();

  /** Records the reference unless the same one (table, column, usage, name) is recorded already. */
  private push(
    table: string | undefined,
    column: string,
    usage: 'output' | 'read',
    as: string | undefined,
    qualified: boolean,
  ): void {
    const key = `${table ?? ''}\u0000${column}\u0000${usage}\u0000${as ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const ref: ColumnRef =
      table === undefined
        ? as === undefined
          ? { column, usage }
          : { column, usage, as }
        : as === undefined
          ? qualified
            ? { table, column, usage, qualified: true }
            : { table, column, usage }
          : qualified
            ? { table, column, usage, as, qualified: true }
            : { table, column, usage, as };
    this.out.push(ref);
  }

  /** A column (or `*`) as written, at `scope`. */
  ref(
    scope: Scope,
    qualifier: string | undefined,
    column: string,
    usage: 'output' | 'read' = 'read',
    as?: string,
  ): void {
    const alias = usage === 'output' && column !== '*' ? (as ?? column) : undefined;
    if (qualifier !== undefined) {
      const tables = scope.resolve(qualifier);
      if (tables === 'derived') return;
      if (tables === undefined) this.push(undefined, column, usage, alias, false);
      else for (const table of tables) this.push(table, column, usage, alias, true);
      return;
    }
    const tables = column === '*' ? scope.real : scope.visible();
    for (const table of tables) this.push(table, column, usage, alias, false);
  }

  /**
   * A bare name that may also be a whole-row reference (PostgreSQL `SELECT c FROM customers c`, `row_to_json(c)`):
   * recorded as a column, and as a star read of the table it may name.
   */
  nameOrRow(scope: Scope, name: string, usage: 'output' | 'read', as?: string): void {
    this.ref(scope, undefined, name, usage, as);
    const tables = scope.resolve(name);
    if (tables instanceof Set) this.ref(scope, name, '*', 'read');
  }

  /** A resolved ORDER BY / GROUP BY position or alias: the target column, read. */
  readTarget(scope: Scope, target: OutputTarget): void {
    this.ref(scope, target.qualifier, target.column, 'read');
  }

  columns(): ColumnRef[] {
    return [...this.out];
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

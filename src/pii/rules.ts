/**
 * Admin decisions about columns (from `knowledge/sensitive.yaml`, see src/knowledge/sensitive.ts): columns that are
 * always masked, and columns that are never masked (a detector's false positive silenced). Rules name a column as
 * `table.column` (`*.column` for every table), optionally for one connection.
 */
import type { PiiKind } from './kinds.js';

export interface ColumnRule {
  /** Table name, lower case, without schema; `*` for any table. */
  readonly table: string;
  /** Column name, lower case. */
  readonly column: string;
  /** Only on this connection; every connection when undefined. */
  readonly connection?: string;
  /** How to mask (sensitive rules); detected from the value, else fully masked, when undefined. */
  readonly kind?: PiiKind;
  readonly reason?: string;
}

export interface PiiRules {
  readonly sensitive: readonly ColumnRule[];
  readonly notSensitive: readonly ColumnRule[];
}

export const NO_RULES: PiiRules = { sensitive: [], notSensitive: [] };

/** What a statement reads (from the guard's verdict), so table-qualified rules can apply to its result columns. */
export interface ReadScope {
  readonly connection?: string;
  readonly tables: readonly string[];
  /** Columns read; `column` is `*` for a star; `table` is undefined when the guard could not resolve it. */
  readonly columns: readonly { readonly table?: string; readonly column: string }[];
}

/** `"Sales"."Customers"` -> `customers`: the bare table name, unquoted and lower case. */
export function bareName(name: string): string {
  const last = name.split('.').at(-1) ?? name;
  return last.replace(/^["`[]|["`\]]$/g, '').toLowerCase();
}

function connectionApplies(rule: ColumnRule, scope: ReadScope | undefined): boolean {
  return rule.connection === undefined || scope?.connection === undefined || scope.connection === rule.connection;
}

/** The statement reads the rule's table (or the rule is for any table). */
function readsTable(rule: ColumnRule, scope: ReadScope | undefined): boolean {
  if (rule.table === '*') return true;
  return scope?.tables.some((t) => bareName(t) === rule.table) ?? false;
}

/**
 * A sensitive rule applies to a result column of the same name when the statement reads the rule's table; with no
 * scope (provenance unknown) it applies by column name alone, which fails closed.
 */
export function sensitiveRuleFor(rules: PiiRules, column: string, scope?: ReadScope): ColumnRule | undefined {
  const name = column.toLowerCase();
  return rules.sensitive.find(
    (r) => r.column === name && connectionApplies(r, scope) && (scope === undefined || readsTable(r, scope)),
  );
}

/** A not-sensitive rule applies only when the statement provably reads the rule's table (or the rule says `*`). */
export function exemptionFor(rules: PiiRules, column: string, scope?: ReadScope): ColumnRule | undefined {
  const name = column.toLowerCase();
  return rules.notSensitive.find((r) => r.column === name && connectionApplies(r, scope) && readsTable(r, scope));
}

/**
 * Sensitive columns the statement reads that do not come back under their own name (renamed, wrapped in a function,
 * concatenated): their values may sit in any result column that cannot be traced to a plain column.
 */
export function hiddenSensitiveReads(
  rules: PiiRules,
  scope: ReadScope | undefined,
  resultColumns: readonly string[],
): ColumnRule[] {
  if (!scope || rules.sensitive.length === 0) return [];
  const returned = new Set(resultColumns.map((c) => c.toLowerCase()));
  return rules.sensitive.filter((rule) => {
    if (!connectionApplies(rule, scope) || returned.has(rule.column)) return false;
    // a star read returns the column under its own name (and is masked there), so only named reads count
    return scope.columns.some((ref) => {
      if (ref.column.toLowerCase() !== rule.column) return false;
      if (rule.table === '*') return true;
      return ref.table === undefined ? readsTable(rule, scope) : bareName(ref.table) === rule.table;
    });
  });
}

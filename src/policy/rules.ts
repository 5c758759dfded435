/**
 * A connection's data rules, compiled from the policy: the `"*"` entry and the connection's own entry combined
 * (deny and mask lists add up; the connection's own `tables.allow` replaces the `"*"` one). Pure.
 */
import type { AccessPolicy, ConnectionDataPolicy } from '../config/index.js';
import { columnPatternMatches, type RelationName, splitColumnPattern, tablePatternMatches } from './patterns.js';

export type ColumnAction = 'deny' | 'mask';

export interface DataRules {
  /** False when nothing is restricted on the connection: statements are not inspected at all. */
  readonly restricted: boolean;
  /** Hidden by the table lists themselves (views that read hidden tables are decided with the catalog). */
  tableHidden(relation: RelationName): string | undefined;
  /** The rule for one column of a relation by the column lists (views add what they read). */
  columnAction(relation: RelationName, column: string): ColumnAction | undefined;
  /** The source of the rules, for `sleuth policy check`. */
  readonly lists: Required<{
    tablesAllow: readonly string[] | undefined;
    tablesDeny: readonly string[];
    columnsAllow: readonly string[];
    columnsDeny: readonly string[];
    columnsMask: readonly string[];
  }>;
}

export function compileDataRules(policy: AccessPolicy | undefined, connection: string): DataRules {
  const parts = [policy?.connections?.['*'], policy?.connections?.[connection]].filter(
    (p): p is ConnectionDataPolicy => p !== undefined,
  );
  const own = policy?.connections?.[connection];
  const lists = {
    tablesAllow: own?.tables?.allow ?? policy?.connections?.['*']?.tables?.allow,
    tablesDeny: parts.flatMap((p) => p.tables?.deny ?? []),
    columnsAllow: parts.flatMap((p) => p.columns?.allow ?? []),
    columnsDeny: parts.flatMap((p) => p.columns?.deny ?? []),
    columnsMask: parts.flatMap((p) => p.columns?.mask ?? []),
  };
  const restricted =
    lists.tablesAllow !== undefined ||
    lists.tablesDeny.length + lists.columnsAllow.length + lists.columnsDeny.length + lists.columnsMask.length > 0;
  const allowTables = lists.columnsAllow.map((p) => splitColumnPattern(p).table);
  return {
    restricted,
    lists,
    tableHidden(relation) {
      const denied = lists.tablesDeny.find((p) => tablePatternMatches(p, relation));
      if (denied) return `tables.deny: ${denied}`;
      if (lists.tablesAllow && !lists.tablesAllow.some((p) => tablePatternMatches(p, relation)))
        return 'not in tables.allow';
      return undefined;
    },
    columnAction(relation, column) {
      if (lists.columnsDeny.some((p) => columnPatternMatches(p, relation, column))) return 'deny';
      if (
        allowTables.some((t) => tablePatternMatches(t, relation)) &&
        !lists.columnsAllow.some((p) => columnPatternMatches(p, relation, column))
      ) {
        return 'deny';
      }
      if (lists.columnsMask.some((p) => columnPatternMatches(p, relation, column))) return 'mask';
      return undefined;
    },
  };
}

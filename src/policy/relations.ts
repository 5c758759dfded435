/**
 * What the policy knows about each relation of a connection, from the rules and a catalog snapshot: hidden or not
 * (and why), and the rule for each of its columns. A view is judged by what its definition reads: it is hidden when
 * it reads a hidden table (or one Sleuth cannot identify), or uses a denied or masked column other than passing it
 * through; a column it passes through keeps the rule of its source. Pure: the snapshot is read by the adapter.
 */
import type { ColumnRef, GuardAllowed, SqlDialect, TableRef } from '../sql/index.js';
import { type RelationName, relationLabel } from './patterns.js';
import type { ColumnAction, DataRules } from './rules.js';

export interface CatalogRelation extends RelationName {
  kind: 'table' | 'view';
}

export interface ViewDefinition {
  /** The definition's SELECT as the guard read it, or why it could not be read. */
  verdict: GuardAllowed | { problem: string };
  /** SQLite `CREATE VIEW v(a, b) AS ...` renames the columns by position: sources cannot be matched by name. */
  renamesColumns: boolean;
}

export interface CatalogSnapshot {
  readonly dialect: SqlDialect;
  readonly relations: readonly CatalogRelation[];
  /** By relationKey. */
  readonly views: ReadonlyMap<string, ViewDefinition>;
  /** Column names by relationKey, for the relations read so far (undefined: could not be read). */
  readonly columns: ReadonlyMap<string, readonly string[] | undefined>;
  /**
   * Direct parents by relationKey of the child (PostgreSQL partitions and INHERITS children): a child carries its
   * ancestors' table and column rules, since its rows are theirs.
   */
  readonly parents?: ReadonlyMap<string, readonly RelationName[]>;
}

export interface RelationFacts {
  relation: CatalogRelation;
  /** How messages name it: without the schema when it is the default one (public, the current database). */
  label: string;
  /** Why it is hidden (for admins); undefined when visible. */
  hidden: string | undefined;
  column(name: string): ColumnAction | undefined;
  /** Its columns when known. */
  columns: readonly string[] | undefined;
  /** Every restricted column (known columns only), for stars. */
  restricted(): { column: string; action: ColumnAction }[];
}

export function relationKey(relation: RelationName): string {
  return `${relation.schema ?? ''}.${relation.name}`.toLowerCase();
}

/** The catalog relations a table reference may name (several when schemas repeat a name); empty when unknown. */
export function resolveRelation(snapshot: CatalogSnapshot, ref: TableRef): CatalogRelation[] {
  const name = ref.name.toLowerCase();
  let schema = ref.schema?.toLowerCase();
  if (snapshot.dialect === 'sqlite') {
    if (schema !== undefined && schema !== 'main') return [];
    schema = undefined;
  }
  return snapshot.relations.filter(
    (r) => r.name.toLowerCase() === name && (schema === undefined || r.schema?.toLowerCase() === schema),
  );
}

const SEVERITY: Record<ColumnAction, number> = { mask: 1, deny: 2 };

export function strongest(actions: readonly (ColumnAction | undefined)[]): ColumnAction | undefined {
  let best: ColumnAction | undefined;
  for (const action of actions) if (action && (!best || SEVERITY[action] > SEVERITY[best])) best = action;
  return best;
}

/**
 * The relations a column reference may belong to, among those of its statement: the table it names (any relation
 * when it names none), narrowed to those that have such a column when their columns are known (a reference to a
 * column a table does not have fails in the database anyway).
 */
export function candidates(ref: ColumnRef, relations: readonly RelationFacts[]): RelationFacts[] {
  let found = relations;
  if (ref.table !== undefined) {
    const named = relations.filter((r) => r.relation.name.toLowerCase() === ref.table!.toLowerCase());
    if (named.length > 0) found = named;
  }
  if (ref.column === '*') return [...found];
  const column = ref.column.toLowerCase();
  return found.filter((r) => r.columns === undefined || r.columns.some((c) => c.toLowerCase() === column));
}

export function createRelationJudge(rules: DataRules, snapshot: CatalogSnapshot) {
  const memo = new Map<string, RelationFacts>();

  function facts(relation: CatalogRelation, stack: readonly string[] = []): RelationFacts {
    const key = relationKey(relation);
    const known = memo.get(key);
    if (known) return known;
    const built = relation.kind === 'view' ? viewFacts(relation, [...stack, key]) : tableFacts(relation);
    memo.set(key, built);
    return built;
  }

  /**
   * A table, with the rules of every table it inherits from (partitions of partitions included): hidden when an
   * ancestor is denied (tables.deny), and each column as strict as the strictest rule on a same-named column of an
   * ancestor. An allow-list is judged on the table's own name (an admin may allow one partition only).
   */
  function tableFacts(relation: CatalogRelation): RelationFacts {
    const ancestors = ancestorsOf(relation);
    if (ancestors.length === 0) return baseFacts(relation, rules.tableHidden(relation));
    let hidden = rules.tableHidden(relation);
    for (const ancestor of ancestors) {
      if (hidden) break;
      const why = rules.tableHidden(ancestor);
      if (why?.startsWith('tables.deny')) hidden = `it is a partition or child of ${relationLabel(ancestor)} (${why})`;
    }
    const column = (name: string) =>
      strongest([rules.columnAction(relation, name), ...ancestors.map((a) => rules.columnAction(a, name))]);
    return baseFacts(relation, hidden, { column });
  }

  function ancestorsOf(relation: RelationName): RelationName[] {
    const out = new Map<string, RelationName>();
    const queue = [...(snapshot.parents?.get(relationKey(relation)) ?? [])];
    while (queue.length > 0) {
      const parent = queue.pop()!;
      const key = relationKey(parent);
      if (out.has(key)) continue;
      out.set(key, parent);
      queue.push(...(snapshot.parents?.get(key) ?? []));
    }
    return [...out.values()];
  }

  function baseFacts(relation: CatalogRelation, hidden: string | undefined, extra?: Partial<RelationFacts>) {
    const columns = snapshot.columns.get(relationKey(relation));
    const column = extra?.column ?? ((name: string) => rules.columnAction(relation, name));
    const result: RelationFacts = {
      relation,
      label: displayName(snapshot.dialect, relation),
      hidden,
      columns,
      column,
      restricted: () =>
        (columns ?? []).flatMap((c) => {
          const action = column(c);
          return action ? [{ column: c, action }] : [];
        }),
    };
    return result;
  }

  function viewFacts(view: CatalogRelation, stack: readonly string[]): RelationFacts {
    const own = rules.tableHidden(view);
    if (own) return baseFacts(view, own);
    const definition = snapshot.views.get(relationKey(view));
    if (!definition) return baseFacts(view, 'its definition cannot be read');
    if ('problem' in definition.verdict)
      return baseFacts(view, `its definition cannot be checked: ${definition.verdict.problem}`);
    const verdict = definition.verdict;
    const sources: RelationFacts[] = [];
    for (const table of verdict.tables) {
      const found = resolveRelation(snapshot, table);
      if (found.length === 0) return baseFacts(view, `it reads ${relationLabel(table)}, which Sleuth cannot identify`);
      for (const relation of found) {
        if (stack.includes(relationKey(relation))) return baseFacts(view, 'its definition refers to itself');
        const source = facts(relation, stack);
        if (source.hidden) return baseFacts(view, `it reads ${relationLabel(relation)}, which is hidden`);
        sources.push(source);
      }
    }
    const outputs = new Map<string, { ref: ColumnRef; from: RelationFacts[] }[]>();
    const stars: RelationFacts[] = [];
    for (const ref of verdict.columns) {
      const from = candidates(ref, sources);
      if (ref.usage !== 'output') {
        const used = usedRestricted(ref, from);
        if (used) return baseFacts(view, `it uses ${used} in its definition`);
        continue;
      }
      if (ref.column === '*') stars.push(...from);
      else {
        const name = (ref.as ?? ref.column).toLowerCase();
        outputs.set(name, [...(outputs.get(name) ?? []), { ref, from }]);
      }
    }
    if (definition.renamesColumns) {
      const restricted = sources.find((s) => s.restricted().length > 0);
      if (restricted)
        return baseFacts(
          view,
          `it renames columns of ${relationLabel(restricted.relation)}, which has restricted columns`,
        );
    }
    const column = (name: string): ColumnAction | undefined => {
      const lower = name.toLowerCase();
      return strongest([
        rules.columnAction(view, name),
        ...(outputs.get(lower) ?? []).flatMap(({ ref, from }) => from.map((s) => s.column(ref.column))),
        ...stars
          .filter((s) => s.columns === undefined || s.columns.some((c) => c.toLowerCase() === lower))
          .map((s) => s.column(name)),
      ]);
    };
    return baseFacts(view, undefined, { column });
  }

  return { facts };
}

/** A restricted column a read may touch, as "table.column (denied)", or undefined. */
export function usedRestricted(ref: ColumnRef, from: readonly RelationFacts[]): string | undefined {
  for (const source of from) {
    if (ref.column === '*') {
      const first = source.restricted()[0];
      if (first) return `${source.label}.${first.column} (${describeAction(first.action)})`;
      continue;
    }
    const action = source.column(ref.column);
    if (action) return `${source.label}.${ref.column} (${describeAction(action)})`;
  }
  return undefined;
}

export function displayName(dialect: SqlDialect, relation: RelationName): string {
  if (!relation.schema || dialect === 'mariadb' || (dialect === 'postgres' && relation.schema === 'public')) {
    return relation.name;
  }
  return relationLabel(relation);
}

export function describeAction(action: ColumnAction): string {
  return action === 'deny' ? 'denied' : 'masked';
}

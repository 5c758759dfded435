/**
 * Reads what the policy needs from a connection's catalog, through the guarded executor like every other catalog
 * query: the relations, every view's definition (parsed by the guard, so a view is judged by the tables and columns
 * it reads), and the columns of the relations a statement touches (read on demand, then kept). A snapshot lives for
 * `ttlMs`; a statement naming a relation the snapshot does not know triggers one refresh.
 */
import type { Logger } from '../common/logger.js';
import type { DataSource } from '../datasources/index.js';
import type { SqlExecutor, SqlGuard, TableRef } from '../sql/index.js';
import { createSchemaInspector, type SchemaInspector } from '../sql/introspect/index.js';
import type { RelationName } from './patterns.js';
import {
  type CatalogRelation,
  type CatalogSnapshot,
  relationKey,
  resolveRelation,
  type ViewDefinition,
} from './relations.js';

export interface SnapshotStore {
  /** The snapshot with the columns of these relations (and of everything the views among them read) loaded. */
  forTables(source: DataSource, tables: readonly TableRef[]): Promise<CatalogSnapshot>;
  /** The snapshot with the columns of every relation that views read (to judge all views, e.g. for list_tables). */
  forAllViews(source: DataSource): Promise<CatalogSnapshot>;
  inspector(source: DataSource): SchemaInspector;
}

export interface SnapshotStoreDeps {
  guard: SqlGuard;
  executor: SqlExecutor;
  logger: Logger;
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  at: number;
  snapshot: {
    dialect: CatalogSnapshot['dialect'];
    relations: CatalogRelation[];
    views: Map<string, ViewDefinition>;
    parents: Map<string, RelationName[]>;
  };
  columns: Map<string, readonly string[] | undefined>;
  inspector: SchemaInspector;
}

export function createSnapshotStore(deps: SnapshotStoreDeps): SnapshotStore {
  const ttlMs = deps.ttlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Promise<Entry>>();

  async function build(source: DataSource): Promise<Entry> {
    const inspector = createSchemaInspector({ executor: deps.executor, source });
    const [tables, sources, links] = await Promise.all([
      inspector.listTables(),
      inspector.viewDefinitions(),
      inspector.inheritance(),
    ]);
    const parents = new Map<string, RelationName[]>();
    for (const link of links) {
      const key = relationKey(link.child);
      parents.set(key, [...(parents.get(key) ?? []), link.parent]);
    }
    const relations: CatalogRelation[] = tables.map((t) => ({
      ...(t.schema ? { schema: t.schema } : {}),
      name: t.name,
      kind: t.kind,
    }));
    const views = new Map<string, ViewDefinition>();
    for (const view of sources) {
      const key = relationKey(view);
      if (view.definition === null) {
        views.set(key, { verdict: { problem: 'the catalog does not show it' }, renamesColumns: view.renamesColumns });
        continue;
      }
      const verdict = deps.guard.check(view.definition, source.dialect);
      views.set(key, {
        verdict: verdict.allowed ? verdict : { problem: verdict.reason },
        renamesColumns: view.renamesColumns,
      });
    }
    return {
      at: now(),
      snapshot: { dialect: source.dialect, relations, views, parents },
      columns: new Map(),
      inspector,
    };
  }

  function entry(source: DataSource, refresh = false): Promise<Entry> {
    const key = `${source.name}\u0000${source.dialect}`;
    const cached = entries.get(key);
    if (cached && !refresh) {
      return cached.then((e) => (now() - e.at > ttlMs ? entry(source, true) : e));
    }
    const built = build(source);
    entries.set(key, built);
    built.catch(() => entries.delete(key));
    return built;
  }

  async function loadColumns(e: Entry, relations: readonly CatalogRelation[]): Promise<void> {
    const missing = relations.filter((r) => !e.columns.has(relationKey(r)));
    await Promise.all(
      missing.map(async (relation) => {
        const label = relation.schema ? `${relation.schema}.${relation.name}` : relation.name;
        const described = await e.inspector.describeTable(label);
        e.columns.set(
          relationKey(relation),
          described.columns.map((c) => c.name),
        );
      }),
    );
  }

  /** The relations `tables` name, plus everything the views among them read, transitively. */
  function closure(e: Entry, tables: readonly TableRef[]): CatalogRelation[] {
    const snapshot = view(e);
    const seen = new Map<string, CatalogRelation>();
    const queue = tables.flatMap((t) => resolveRelation(snapshot, t));
    while (queue.length > 0) {
      const relation = queue.pop()!;
      const key = relationKey(relation);
      if (seen.has(key)) continue;
      seen.set(key, relation);
      const definition = relation.kind === 'view' ? e.snapshot.views.get(key) : undefined;
      if (definition && !('problem' in definition.verdict)) {
        for (const t of definition.verdict.tables) queue.push(...resolveRelation(snapshot, t));
      }
    }
    return [...seen.values()];
  }

  function view(e: Entry): CatalogSnapshot {
    return { ...e.snapshot, columns: e.columns };
  }

  return {
    async forTables(source, tables) {
      let e = await entry(source);
      const unknown = tables.some((t) => resolveRelation(view(e), t).length === 0);
      if (unknown && now() - e.at > 1_000) e = await entry(source, true);
      await loadColumns(e, closure(e, tables));
      return view(e);
    },
    async forAllViews(source) {
      const e = await entry(source);
      const views = e.snapshot.relations.filter((r) => r.kind === 'view');
      await loadColumns(e, closure(e, views));
      return view(e);
    },
    inspector(source) {
      return createSchemaInspector({ executor: deps.executor, source });
    },
  };
}

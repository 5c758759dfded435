/**
 * Schema discovery as the policy lets it be seen: hidden tables (and views that read them) do not exist for the
 * caller (not listed, "not found" when named), denied columns are left out of descriptions and samples, masked
 * columns are marked and their sampled values masked, and foreign keys to hidden tables are dropped.
 */
import { UserError } from '../common/errors.js';
import type { DataSource } from '../datasources/index.js';
import type { QueryResult } from '../sql/index.js';
import type { ColumnProfile, SchemaInspector, TableDescription, TableSummary } from '../sql/introspect/index.js';
import { type PolicyEnforcer, permissionDenied } from './enforcer.js';
import { maskResult } from './mask.js';
import { relationLabel } from './patterns.js';
import { createRelationJudge, type RelationFacts, relationKey } from './relations.js';

export interface PolicyExplorer {
  listTables(): Promise<TableSummary[]>;
  describeTable(table: string): Promise<TableDescription>;
  sampleRows(table: string, limit?: number): Promise<QueryResult>;
  profileColumn(table: string, column: string): Promise<ColumnProfile>;
  /** Every visible table, described (for `sleuth schema`). */
  getSchema(options?: { maxTables?: number }): Promise<TableDescription[]>;
  /** Hidden relations with the reason (for admins: `sleuth policy check`). */
  hidden(): Promise<{ table: string; reason: string }[]>;
  /** Denied and masked columns of the visible relations (for admins). */
  columnRules(): Promise<{ table: string; column: string; action: 'deny' | 'mask' }[]>;
}

export function createPolicyExplorer(
  enforcer: PolicyEnforcer,
  source: DataSource,
  inspector: SchemaInspector,
): PolicyExplorer {
  const rules = enforcer.rules(source.name);

  async function judged(): Promise<{ table: TableSummary; facts: RelationFacts }[]> {
    const [tables, snapshot] = await Promise.all([inspector.listTables(), enforcer.snapshots.forAllViews(source)]);
    const judge = createRelationJudge(rules, snapshot);
    return tables.map((table) => ({ table, facts: judge.facts({ ...table, kind: table.kind }) }));
  }

  async function visible(): Promise<{ table: TableSummary; facts: RelationFacts }[]> {
    return (await judged()).filter((t) => !t.facts.hidden);
  }

  /** Resolves a name among the visible tables the way the inspector does (exact, then case-insensitive). */
  async function resolve(name: string): Promise<{ table: TableSummary; facts: RelationFacts }> {
    const tables = await visible();
    const wanted = name.trim().replace(/^["`[]|["`\]]$/g, '');
    const [schema, bare] = wanted.includes('.') ? wanted.split('.', 2) : [undefined, wanted];
    const matches = (t: TableSummary, exact: boolean) => {
      const same = (a: string | undefined, b: string | undefined) =>
        exact ? a === b : a?.toLowerCase() === b?.toLowerCase();
      return same(t.name, bare) && (schema === undefined || same(t.schema, schema));
    };
    const found = tables.find((t) => matches(t.table, true)) ?? tables.find((t) => matches(t.table, false));
    if (found) return found;
    const known = tables.map((t) => t.table.name);
    throw new UserError(
      'NOT_FOUND',
      `No table or view named "${name}". Known tables: ${known.slice(0, 50).join(', ')}.`,
      {
        details: { known },
      },
    );
  }

  const labelOf = (table: TableSummary) => (table.schema ? `${table.schema}.${table.name}` : table.name);

  async function describe(name: string): Promise<TableDescription> {
    if (!rules.restricted) return inspector.describeTable(name);
    const { table, facts } = await resolve(name);
    const described = await inspector.describeTable(labelOf(table));
    const hiddenKeys = new Set((await judged()).filter((t) => t.facts.hidden).map((t) => relationKey(t.table)));
    return {
      ...described,
      columns: described.columns
        .filter((c) => facts.column(c.name) !== 'deny')
        .map((c) => (facts.column(c.name) === 'mask' ? { ...c, masked: true as const } : c)),
      foreignKeys: described.foreignKeys.filter(
        (fk) =>
          !hiddenKeys.has(relationKey({ schema: fk.references.schema, name: fk.references.table })) &&
          !hiddenKeys.has(relationKey({ name: fk.references.table })),
      ),
    };
  }

  return {
    async listTables() {
      if (!rules.restricted) return inspector.listTables();
      return (await visible()).map((t) => t.table);
    },
    describeTable: describe,
    async sampleRows(name, limit = 5) {
      if (!rules.restricted) return inspector.sampleRows(name, limit);
      const { table, facts } = await resolve(name);
      const described = await describe(labelOf(table));
      const result = await inspector.sampleRows(labelOf(table), limit, {
        columns: described.columns.map((c) => c.name),
      });
      return maskResult(
        result,
        described.columns.filter((c) => facts.column(c.name) === 'mask').map((c) => c.name),
      );
    },
    async profileColumn(tableName, columnName) {
      if (!rules.restricted) return inspector.profileColumn(tableName, columnName);
      const { table, facts } = await resolve(tableName);
      const action = facts.column(columnName);
      if (action === 'deny') {
        throw new UserError('NOT_FOUND', `Table "${table.name}" has no column "${columnName}" you can use.`);
      }
      if (action === 'mask') {
        throw permissionDenied(
          `${relationLabel(table)}.${columnName} is masked by the access policy: its values cannot be profiled.`,
          { denied: { table: relationLabel(table), column: columnName } },
        );
      }
      return inspector.profileColumn(labelOf(table), columnName);
    },
    async getSchema(options = {}) {
      const tables = (await this.listTables()).slice(0, options.maxTables ?? 200);
      const described: TableDescription[] = [];
      for (const table of tables) described.push(await describe(labelOf(table)));
      return described;
    },
    async columnRules() {
      if (!rules.restricted) return [];
      const out: { table: string; column: string; action: 'deny' | 'mask' }[] = [];
      for (const { table, facts } of await visible()) {
        const described = await inspector.describeTable(labelOf(table));
        for (const column of described.columns) {
          const action = facts.column(column.name);
          if (action) out.push({ table: facts.label, column: column.name, action });
        }
      }
      return out;
    },
    async hidden() {
      if (!rules.restricted) return [];
      return (await judged())
        .filter((t) => t.facts.hidden)
        .map((t) => ({ table: t.facts.label, reason: t.facts.hidden as string }));
    },
  };
}

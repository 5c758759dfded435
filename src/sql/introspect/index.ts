/**
 * Schema discovery for all three dialects. Every catalog query, sample and profile goes through the executor (guard +
 * read-only path) like any other SQL; being Sleuth's own fixed statements, they are exempt from the query cost budget. Table and column names from callers (e.g. the model) are resolved against the
 * catalog first, so only real names are ever quoted into SQL.
 */
import { UserError } from '../../common/errors.js';
import type { DataSource } from '../../datasources/types.js';
import type { SqlDialect } from '../dialect.js';
import type { SqlExecutor } from '../execute.js';
import type { QueryResult } from '../types.js';
import { mariadbCatalog } from './mariadb.js';
import { postgresCatalog } from './postgres.js';
import { sqliteCatalog } from './sqlite.js';
import type {
  CatalogDialect,
  CatalogQuery,
  ColumnProfile,
  InheritanceLink,
  SchemaSnapshot,
  TableDescription,
  TableSummary,
  ViewSource,
} from './types.js';

export { tableDescriptionSchema } from './schemas.js';
export type * from './types.js';

const CATALOGS: Record<SqlDialect, CatalogDialect> = {
  postgres: postgresCatalog,
  mariadb: mariadbCatalog,
  sqlite: sqliteCatalog,
};

export const MAX_SAMPLE_ROWS = 100;
const CATALOG_TIMEOUT_MS = 15_000;

export interface SchemaInspector {
  listTables(): Promise<TableSummary[]>;
  describeTable(table: string): Promise<TableDescription>;
  getSchema(options?: { maxTables?: number }): Promise<SchemaSnapshot>;
  /** A few rows; `columns` selects only those columns (resolved against the table), e.g. to leave some out. */
  sampleRows(table: string, limit?: number, options?: { columns?: readonly string[] }): Promise<QueryResult>;
  profileColumn(table: string, column: string): Promise<ColumnProfile>;
  /** Every view's definition as the catalog stores it (the access policy judges views by what they read). */
  viewDefinitions(): Promise<ViewSource[]>;
  /** Direct parent links of partitions and inheritance children (PostgreSQL; empty elsewhere). */
  inheritance(): Promise<InheritanceLink[]>;
}

export function createSchemaInspector(deps: { executor: SqlExecutor; source: DataSource }): SchemaInspector {
  const { executor, source } = deps;
  const catalog = CATALOGS[source.dialect];
  const query: CatalogQuery = async (sql, params = []) => {
    const result = await executor.execute(source, sql, {
      params,
      limits: { timeoutMs: CATALOG_TIMEOUT_MS, maxRows: 10_000 },
      introspection: true,
    });
    return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
  };
  let tablesCache: Promise<TableSummary[]> | undefined;
  const listTables = (): Promise<TableSummary[]> => {
    tablesCache ??= catalog.listTables(query).catch((error: unknown) => {
      tablesCache = undefined;
      throw error;
    });
    return tablesCache;
  };

  async function resolveTable(name: string): Promise<TableSummary> {
    const tables = await listTables();
    const wanted = name.trim().replace(/^["`[]|["`\]]$/g, '');
    const [maybeSchema, maybeName] = wanted.includes('.') ? wanted.split('.', 2) : [undefined, wanted];
    const matches = (t: TableSummary, exact: boolean) => {
      const same = (a: string | undefined, b: string | undefined) =>
        exact ? a === b : a?.toLowerCase() === b?.toLowerCase();
      return same(t.name, maybeName) && (maybeSchema === undefined || same(t.schema, maybeSchema));
    };
    const found = tables.find((t) => matches(t, true)) ?? tables.find((t) => matches(t, false));
    if (found) return found;
    const known = tables.map((t) => t.name);
    throw new UserError(
      'NOT_FOUND',
      `No table or view named "${name}". Known tables: ${known.slice(0, 50).join(', ')}.`,
      {
        details: { known },
      },
    );
  }

  function qualified(table: TableSummary): string {
    const name = catalog.quoteIdentifier(table.name);
    return table.schema && source.dialect === 'postgres' ? `${catalog.quoteIdentifier(table.schema)}.${name}` : name;
  }

  async function describeTable(name: string): Promise<TableDescription> {
    const table = await resolveTable(name);
    const [columns, foreignKeys] = await Promise.all([
      catalog.describeColumns(query, table),
      catalog.foreignKeys(query, table),
    ]);
    const { oid: _oid, ...summary } = table as TableSummary & { oid?: number };
    return { ...summary, columns, primaryKey: columns.filter((c) => c.primaryKey).map((c) => c.name), foreignKeys };
  }

  return {
    async listTables() {
      return (await listTables()).map(({ oid: _oid, ...t }: TableSummary & { oid?: number }) => t);
    },
    describeTable,
    async getSchema(options = {}) {
      const tables = (await listTables()).slice(0, options.maxTables ?? 200);
      const described: TableDescription[] = [];
      for (const table of tables)
        described.push(await describeTable(table.schema ? `${table.schema}.${table.name}` : table.name));
      return { dialect: source.dialect, tables: described };
    },
    async sampleRows(name, limit = 5, options = {}) {
      const table = await resolveTable(name);
      const n = Math.max(1, Math.min(MAX_SAMPLE_ROWS, Math.floor(limit)));
      let list = '*';
      if (options.columns) {
        // only real column names are quoted into the SQL
        const known = await catalog.describeColumns(query, table);
        const wanted = new Set(options.columns.map((c) => c.toLowerCase()));
        const chosen = known.filter((c) => wanted.has(c.name.toLowerCase()));
        if (chosen.length === 0) throw new UserError('NOT_FOUND', `No columns of "${table.name}" to sample.`);
        list = chosen.map((c) => catalog.quoteIdentifier(c.name)).join(', ');
      }
      const result = await executor.execute(source, `SELECT ${list} FROM ${qualified(table)} LIMIT ${n}`, {
        limits: { maxRows: n },
        introspection: true,
      });
      return stripVerdict(result);
    },
    viewDefinitions: () => catalog.viewDefinitions(query),
    inheritance: async () => (catalog.inheritance ? catalog.inheritance(query) : []),
    async profileColumn(tableName, columnName) {
      const table = await describeTable(tableName);
      const column =
        table.columns.find((c) => c.name === columnName) ??
        table.columns.find((c) => c.name.toLowerCase() === columnName.toLowerCase());
      if (!column) {
        throw new UserError(
          'NOT_FOUND',
          `Table "${table.name}" has no column "${columnName}". Columns: ${table.columns.map((c) => c.name).join(', ')}.`,
        );
      }
      const from = qualified(table);
      const col = catalog.quoteIdentifier(column.name);
      const comparable = catalog.comparable(col, column.type);
      const [stats] = await query(`SELECT COUNT(*) AS row_count, COUNT(DISTINCT ${col}) AS distinct_count,
  SUM(CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END) AS null_count,
  MIN(${comparable}) AS min_value, MAX(${comparable}) AS max_value
FROM ${from}`);
      const top = await query(
        `SELECT ${col} AS value, COUNT(*) AS n FROM ${from} GROUP BY ${col} ORDER BY COUNT(*) DESC, 1 LIMIT 5`,
      );
      return {
        table: table.name,
        column: column.name,
        type: column.type,
        rowCount: Number(stats?.row_count ?? 0),
        distinctCount: Number(stats?.distinct_count ?? 0),
        nullCount: Number(stats?.null_count ?? 0),
        min: stats?.min_value ?? null,
        max: stats?.max_value ?? null,
        topValues: top.map((r) => ({ value: r.value, count: Number(r.n) })),
      };
    },
  };
}

function stripVerdict(result: QueryResult & { verdict?: unknown }): QueryResult {
  const { verdict: _verdict, ...rest } = result;
  return rest;
}

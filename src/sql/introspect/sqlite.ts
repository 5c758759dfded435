import { quoteDoubleIdentifier, quoteStandardLiteral, toNumberOrNull } from './quote.js';
import type { CatalogDialect, ColumnInfo, ForeignKey, TableSummary } from './types.js';

const NAME = String.raw`(?:"(?:[^"]|"")*"|\`[^\`]*\`|\[[^\]]*\]|[\w$]+)`;
const CREATE_VIEW = new RegExp(
  String.raw`^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}(?:\s*\.\s*${NAME})?\s*(\([^)]*\))?\s*AS\s+`,
  'i',
);

/** The SELECT of a stored `CREATE VIEW ... AS SELECT ...`, and whether it renames the columns; undefined if unreadable. */
export function viewBody(sql: string): { select: string; renames: boolean } | undefined {
  const match = CREATE_VIEW.exec(sql);
  if (!match) return undefined;
  return { select: sql.slice(match[0].length), renames: match[1] !== undefined };
}

export const sqliteCatalog: CatalogDialect = {
  async listTables(query) {
    const rows = await query(
      `SELECT name AS table_name, type AS table_type FROM sqlite_master
WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name`,
    );
    const tables: TableSummary[] = [];
    for (const r of rows) {
      const name = String(r.table_name);
      // SQLite keeps no row statistics by default; counting is exact and cheap at the sizes SQLite is used for.
      const counted = await query(`SELECT COUNT(*) AS n FROM ${quoteDoubleIdentifier(name)}`).catch(() => []);
      tables.push({
        name,
        kind: r.table_type === 'view' ? 'view' : 'table',
        rowEstimate: toNumberOrNull(counted[0]?.n),
        comment: null,
      });
    }
    return tables;
  },
  async describeColumns(query, table) {
    const rows = await query(
      `SELECT name AS column_name, type AS data_type, "notnull" AS not_null, pk AS pk_position
FROM pragma_table_info(${quoteStandardLiteral(table.name)}) ORDER BY cid`,
    );
    return rows.map(
      (r): ColumnInfo => ({
        name: String(r.column_name),
        type: String(r.data_type || 'any').toLowerCase(),
        nullable: Number(r.not_null) === 0 && Number(r.pk_position) === 0,
        primaryKey: Number(r.pk_position) > 0,
        comment: null,
      }),
    );
  },
  async foreignKeys(query, table) {
    const rows = await query(
      `SELECT id AS fk_id, "table" AS ref_table, "from" AS column_name, "to" AS ref_column
FROM pragma_foreign_key_list(${quoteStandardLiteral(table.name)}) ORDER BY id, seq`,
    );
    const byId = new Map<string, ForeignKey>();
    for (const r of rows) {
      const id = String(r.fk_id);
      let fk = byId.get(id);
      if (!fk) {
        fk = { columns: [], references: { table: String(r.ref_table), columns: [] } };
        byId.set(id, fk);
      }
      fk.columns.push(String(r.column_name));
      if (r.ref_column !== null) fk.references.columns.push(String(r.ref_column));
    }
    return [...byId.values()];
  },
  async viewDefinitions(query) {
    const rows = await query(
      `SELECT name AS view_name, sql AS definition FROM sqlite_master WHERE type = 'view' ORDER BY name`,
    );
    return rows.map((r) => {
      const body = viewBody(String(r.definition ?? ''));
      return {
        name: String(r.view_name),
        definition: body?.select ?? null,
        renamesColumns: body?.renames ?? false,
      };
    });
  },
  quoteIdentifier: quoteDoubleIdentifier,
  comparable: (column) => column,
};

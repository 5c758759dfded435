import { quoteDoubleIdentifier, quoteStandardLiteral, toNumberOrNull } from './quote.js';
import type { CatalogDialect, ColumnInfo, ForeignKey, TableSummary } from './types.js';

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
  quoteIdentifier: quoteDoubleIdentifier,
  comparable: (column) => column,
};

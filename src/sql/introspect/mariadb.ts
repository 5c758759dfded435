import { quoteBacktickIdentifier, quoteMysqlLiteral, toNumberOrNull, toText } from './quote.js';
import type { CatalogDialect, ColumnInfo, ForeignKey, TableSummary } from './types.js';

const LIST_TABLES = `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
  TABLE_ROWS AS row_estimate, TABLE_COMMENT AS table_comment
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME`;

export const mariadbCatalog: CatalogDialect = {
  async listTables(query) {
    const rows = await query(LIST_TABLES);
    return rows.map(
      (r): TableSummary => ({
        schema: String(r.schema_name),
        name: String(r.table_name),
        kind: String(r.table_type).toUpperCase().includes('VIEW') ? 'view' : 'table',
        rowEstimate: toNumberOrNull(r.row_estimate),
        comment: toText(r.table_comment),
      }),
    );
  },
  async describeColumns(query, table) {
    const rows = await query(`SELECT COLUMN_NAME AS column_name, COLUMN_TYPE AS data_type, IS_NULLABLE AS is_nullable,
  COLUMN_KEY AS column_key, COLUMN_COMMENT AS column_comment
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${quoteMysqlLiteral(table.name)}
ORDER BY ORDINAL_POSITION`);
    return rows.map(
      (r): ColumnInfo => ({
        name: String(r.column_name),
        type: String(r.data_type),
        nullable: r.is_nullable === 'YES',
        primaryKey: r.column_key === 'PRI',
        comment: toText(r.column_comment),
      }),
    );
  },
  async foreignKeys(query, table) {
    const rows = await query(`SELECT CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
  REFERENCED_TABLE_SCHEMA AS ref_schema, REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${quoteMysqlLiteral(table.name)} AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`);
    const byName = new Map<string, ForeignKey>();
    for (const r of rows) {
      const key = String(r.constraint_name);
      let fk = byName.get(key);
      if (!fk) {
        fk = { columns: [], references: { schema: String(r.ref_schema), table: String(r.ref_table), columns: [] } };
        byName.set(key, fk);
      }
      fk.columns.push(String(r.column_name));
      fk.references.columns.push(String(r.ref_column));
    }
    return [...byName.values()];
  },
  async viewDefinitions(query) {
    // VIEW_DEFINITION is empty without the SHOW VIEW privilege: such views count as unreadable
    const rows = await query(`SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS view_name, VIEW_DEFINITION AS definition
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`);
    return rows.map((r) => ({
      schema: String(r.schema_name),
      name: String(r.view_name),
      definition: toText(r.definition) || null,
      renamesColumns: false,
    }));
  },
  quoteIdentifier: quoteBacktickIdentifier,
  comparable: (column) => column,
};

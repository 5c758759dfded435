import { quoteDoubleIdentifier, toNumberOrNull, toText } from './quote.js';
import type { CatalogDialect, ColumnInfo, ForeignKey, TableSummary } from './types.js';

const LIST_TABLES = `SELECT c.oid::bigint AS oid, n.nspname AS schema_name, c.relname AS table_name,
  CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind,
  CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS row_estimate,
  obj_description(c.oid, 'pg_class') AS table_comment
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname = 'public' DESC, n.nspname, c.relname`;

const COLUMNS = `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
  NOT a.attnotnull AS nullable, col_description(a.attrelid, a.attnum) AS column_comment,
  COALESCE(a.attnum = ANY (i.indkey), false) AS primary_key
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
WHERE a.attrelid = $1::bigint::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

const FOREIGN_KEYS = `SELECT con.conname AS name, fn.nspname AS ref_schema, fc.relname AS ref_table,
  (SELECT json_agg(att.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum) AS columns,
  (SELECT json_agg(att.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.attnum) AS ref_columns
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype = 'f' AND con.conrelid = $1::bigint::oid
ORDER BY con.conname`;

const VIEW_DEFINITIONS = `SELECT n.nspname AS schema_name, c.relname AS view_name, pg_get_viewdef(c.oid, true) AS definition
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname`;

/** Every direct parent link, all schemas (a partition of a hidden table may live in another schema). */
const INHERITANCE = `SELECT cn.nspname AS child_schema, c.relname AS child_name, pn.nspname AS parent_schema,
  p.relname AS parent_name
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
ORDER BY 1, 2, 3, 4`;

/** The catalog oid is kept on the summary (not part of the public shape) to address the table exactly. */
type PgTable = TableSummary & { oid?: number };

export const postgresCatalog: CatalogDialect = {
  async listTables(query) {
    const rows = await query(LIST_TABLES);
    return rows.map(
      (r): PgTable => ({
        schema: String(r.schema_name),
        name: String(r.table_name),
        kind: r.kind === 'view' ? 'view' : 'table',
        rowEstimate: toNumberOrNull(r.row_estimate),
        comment: toText(r.table_comment),
        oid: Number(r.oid),
      }),
    );
  },
  async describeColumns(query, table) {
    const rows = await query(COLUMNS, [(table as PgTable).oid]);
    return rows.map(
      (r): ColumnInfo => ({
        name: String(r.column_name),
        type: String(r.data_type),
        nullable: r.nullable === true,
        primaryKey: r.primary_key === true,
        comment: toText(r.column_comment),
      }),
    );
  },
  async foreignKeys(query, table) {
    const rows = await query(FOREIGN_KEYS, [(table as PgTable).oid]);
    return rows.map(
      (r): ForeignKey => ({
        columns: (r.columns as string[] | null) ?? [],
        references: {
          schema: String(r.ref_schema),
          table: String(r.ref_table),
          columns: (r.ref_columns as string[] | null) ?? [],
        },
      }),
    );
  },
  async viewDefinitions(query) {
    const rows = await query(VIEW_DEFINITIONS);
    return rows.map((r) => ({
      schema: String(r.schema_name),
      name: String(r.view_name),
      definition: toText(r.definition),
      renamesColumns: false,
    }));
  },
  async inheritance(query) {
    const rows = await query(INHERITANCE);
    return rows.map((r) => ({
      child: { schema: String(r.child_schema), name: String(r.child_name) },
      parent: { schema: String(r.parent_schema), name: String(r.parent_name) },
    }));
  },
  quoteIdentifier: quoteDoubleIdentifier,
  comparable(column, type) {
    return /json|bool|\[\]|xml|point|polygon|tsvector|uuid/i.test(type) ? `${column}::text` : column;
  },
};

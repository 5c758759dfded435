export interface TableSummary {
  schema?: string;
  name: string;
  kind: 'table' | 'view';
  /** Approximate row count (catalog statistics; exact for SQLite); null when unknown. */
  rowEstimate: number | null;
  comment: string | null;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  comment: string | null;
  /** Set by the access policy: the column's values are shown masked. */
  masked?: true;
}

export interface ForeignKey {
  columns: string[];
  references: { schema?: string; table: string; columns: string[] };
}

export interface TableDescription extends TableSummary {
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

export interface ColumnProfile {
  table: string;
  column: string;
  type: string;
  rowCount: number;
  distinctCount: number;
  nullCount: number;
  min: unknown;
  max: unknown;
  /** The most frequent values with their counts (at most 5). */
  topValues: { value: unknown; count: number }[];
}

export interface SchemaSnapshot {
  dialect: string;
  tables: TableDescription[];
}

/** A view's defining SELECT as the catalog stores it; null when the catalog does not show it (privileges). */
export interface ViewSource {
  schema?: string;
  name: string;
  definition: string | null;
  /** The view renames its columns by position (SQLite `CREATE VIEW v(a, b) AS ...`). */
  renamesColumns: boolean;
}

/**
 * A table that inherits from another: a PostgreSQL partition (`PARTITION OF`) or an `INHERITS` child. Reading the
 * child reads part of the parent's rows, so the access policy applies the parent's rules to it.
 */
export interface InheritanceLink {
  child: { schema?: string; name: string };
  parent: { schema?: string; name: string };
}

/** Runs one catalog query (through the guard and the read-only path) and returns rows as objects. */
export type CatalogQuery = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** The per-dialect catalog SQL. Table identity is passed as the TableSummary found by listTables. */
export interface CatalogDialect {
  listTables(query: CatalogQuery): Promise<TableSummary[]>;
  describeColumns(query: CatalogQuery, table: TableSummary): Promise<ColumnInfo[]>;
  foreignKeys(query: CatalogQuery, table: TableSummary): Promise<ForeignKey[]>;
  /** Every view's definition (for the access policy: a view is judged by what it reads). */
  viewDefinitions(query: CatalogQuery): Promise<ViewSource[]>;
  /** Direct parent links (partitions, INHERITS children); only PostgreSQL has them, the others return none. */
  inheritance?(query: CatalogQuery): Promise<InheritanceLink[]>;
  quoteIdentifier(name: string): string;
  /** Wraps a column expression so MIN/MAX work for any type. */
  comparable(column: string, type: string): string;
}

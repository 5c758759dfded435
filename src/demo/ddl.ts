import { DEMO_META_TABLE } from './options.js';
import { type ColumnSpec, type ColumnType, DEMO_TABLE_SPECS, type DemoDialect, type TableSpec } from './schema.js';

/**
 * CREATE TABLE statements, then indexes and (postgres) comments. Loaders run createTableDdl before loading and
 * postLoadDdl after, so indexes are built once over the loaded data; demoDdl is both, in that order.
 */
export function demoDdl(dialect: DemoDialect): string[] {
  return [...createTableDdl(dialect), ...postLoadDdl(dialect)];
}

export function createTableDdl(dialect: DemoDialect): string[] {
  return DEMO_TABLE_SPECS.map((table) => createTable(table, dialect));
}

export function postLoadDdl(dialect: DemoDialect): string[] {
  const out: string[] = [];
  if (dialect !== 'mariadb') {
    for (const table of DEMO_TABLE_SPECS) {
      for (const cols of table.indexes) {
        out.push(`CREATE INDEX ${indexName(table, cols)} ON ${table.name} (${cols.join(', ')})`);
      }
    }
  }
  if (dialect === 'postgres') {
    for (const table of DEMO_TABLE_SPECS) {
      out.push(`COMMENT ON TABLE ${table.name} IS ${quote(table.comment)}`);
      for (const col of table.columns) {
        out.push(`COMMENT ON COLUMN ${table.name}.${col.name} IS ${quote(columnComment(col))}`);
      }
    }
  }
  return out;
}

export function metaTableDdl(dialect: DemoDialect): string {
  const comment = 'Sleuth demo dataset metadata: seed, scale, anchor date and fingerprint';
  switch (dialect) {
    case 'postgres':
      return `CREATE TABLE ${DEMO_META_TABLE} (key varchar(64) PRIMARY KEY, value text NOT NULL)`;
    case 'mariadb':
      return `CREATE TABLE ${DEMO_META_TABLE} (\`key\` VARCHAR(64) NOT NULL PRIMARY KEY, \`value\` TEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT=${quote(comment)}`;
    case 'sqlite':
      return `CREATE TABLE ${DEMO_META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL) -- ${comment}`;
  }
}

function createTable(table: TableSpec, dialect: DemoDialect): string {
  const lines: string[] = table.columns.map((col) => columnLine(col, dialect));
  lines.push(`PRIMARY KEY (${table.primaryKey})`);
  for (const col of table.unique ?? []) lines.push(`UNIQUE (${col})`);
  if (dialect === 'mariadb') {
    for (const cols of table.indexes) lines.push(`KEY ${indexName(table, cols)} (${cols.join(', ')})`);
  }
  for (const col of table.columns) {
    if (!col.references) continue;
    const target = DEMO_TABLE_SPECS.find((t) => t.name === col.references);
    const fk = `FOREIGN KEY (${col.name}) REFERENCES ${col.references} (${target?.primaryKey ?? 'id'})`;
    lines.push(dialect === 'sqlite' ? fk : `CONSTRAINT fk_${table.name}_${col.name} ${fk}`);
  }
  if (dialect === 'sqlite') {
    // SQLite keeps the CREATE text verbatim, so "--" comments document the columns for schema readers.
    const body = lines
      .map((line, i) => {
        const col = table.columns[i];
        const sep = i < lines.length - 1 ? ',' : '';
        return col ? `  ${line}${sep} -- ${columnComment(col)}` : `  ${line}${sep}`;
      })
      .join('\n');
    return `CREATE TABLE ${table.name} ( -- ${table.comment}\n${body}\n)`;
  }
  const body = lines.map((line) => `  ${line}`).join(',\n');
  if (dialect === 'mariadb') {
    return `CREATE TABLE ${table.name} (\n${body}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT=${quote(table.comment)}`;
  }
  return `CREATE TABLE ${table.name} (\n${body}\n)`;
}

function columnLine(col: ColumnSpec, dialect: DemoDialect): string {
  const nullability = col.nullable ? 'NULL' : 'NOT NULL';
  const base = `${col.name} ${sqlType(col.type, dialect)} ${nullability}`;
  return dialect === 'mariadb' ? `${base} COMMENT ${quote(columnComment(col))}` : base;
}

function columnComment(col: ColumnSpec): string {
  if (col.type.kind === 'date') return `${col.comment} (YYYY-MM-DD)`;
  if (col.type.kind === 'timestamp') return `${col.comment} (UTC, YYYY-MM-DD HH:MM:SS)`;
  return col.comment;
}

function sqlType(type: ColumnType, dialect: DemoDialect): string {
  switch (type.kind) {
    case 'integer':
      return dialect === 'mariadb' ? 'INT' : dialect === 'sqlite' ? 'INTEGER' : 'integer';
    case 'smallint':
      return dialect === 'sqlite' ? 'INTEGER' : dialect === 'mariadb' ? 'SMALLINT' : 'smallint';
    case 'char':
      return dialect === 'sqlite' ? 'TEXT' : `${dialect === 'mariadb' ? 'CHAR' : 'char'}(${type.length})`;
    case 'varchar':
      return dialect === 'sqlite' ? 'TEXT' : `${dialect === 'mariadb' ? 'VARCHAR' : 'varchar'}(${type.length})`;
    case 'date':
      return dialect === 'sqlite' ? 'TEXT' : dialect === 'mariadb' ? 'DATE' : 'date';
    case 'timestamp':
      return dialect === 'sqlite' ? 'TEXT' : dialect === 'mariadb' ? 'DATETIME' : 'timestamp';
    case 'money':
      return dialect === 'postgres' ? 'numeric(12,2)' : 'DECIMAL(12,2)';
  }
}

function indexName(table: TableSpec, cols: readonly string[]): string {
  return `idx_${table.name}_${cols.join('_')}`;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

import { createTableDdl, metaTableDdl, postLoadDdl } from './ddl.js';
import { chunks, type DemoLoadResult, elapsedSince, insertAll, placeholders } from './load-common.js';
import { DEMO_META_TABLE, type DemoOptions, demoMetaRows } from './options.js';
import { DEMO_TABLES } from './schema.js';

/** PostgreSQL accepts at most 65535 bind parameters per statement. */
const PG_MAX_PARAMS = 65_535;
/** Larger statements are slower per row (measured: 1000-row inserts load about 1.7x faster than 5000-row ones). */
const PG_ROWS_PER_INSERT = 1000;

/**
 * Replaces the demo tables in the database at `url` and loads the generated data. Drop, create and load run in one
 * transaction (PostgreSQL DDL is transactional), so a failed load leaves the previous tables in place.
 */
export async function loadDemoPostgres(url: string, options: DemoOptions = {}): Promise<DemoLoadResult> {
  const start = performance.now();
  // the driver loads here, not with the demo module (cold start of commands that only use the SQLite demo)
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      const all = [...DEMO_TABLES].reverse().concat(DEMO_META_TABLE);
      await client.query(`DROP TABLE IF EXISTS ${all.join(', ')} CASCADE`);
      for (const ddl of [...createTableDdl('postgres'), metaTableDdl('postgres')]) await client.query(ddl);
      const sqlCache = new Map<string, string>();
      const tables = await insertAll(options, async (batch) => {
        const rowsPerInsert = Math.min(PG_ROWS_PER_INSERT, Math.floor(PG_MAX_PARAMS / batch.columns.length));
        for (const rows of chunks(batch.rows, rowsPerInsert)) {
          const key = `${batch.table}:${rows.length}`;
          let sql = sqlCache.get(key);
          if (sql === undefined) {
            sql = `INSERT INTO ${batch.table} (${batch.columns.join(', ')}) VALUES ${placeholders(rows.length, batch.columns.length, true)}`;
            sqlCache.set(key, sql);
          }
          await client.query(sql, rows.flat());
        }
      });
      const meta = demoMetaRows(options);
      await client.query(
        `INSERT INTO ${DEMO_META_TABLE} (key, value) VALUES ${placeholders(meta.length, 2, true)}`,
        meta.flat(),
      );
      for (const ddl of postLoadDdl('postgres')) await client.query(ddl);
      await client.query('COMMIT');
      await client.query(`ANALYZE ${[...DEMO_TABLES, DEMO_META_TABLE].join(', ')}`);
      return { dialect: 'postgres', tables, elapsedMs: elapsedSince(start) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}

import { createTableDdl, metaTableDdl } from './ddl.js';
import { type DemoLoadResult, elapsedSince, insertAll } from './load-common.js';
import { DEMO_META_TABLE, type DemoOptions, demoMetaRows } from './options.js';
import { DEMO_TABLES } from './schema.js';

/**
 * Replaces the demo tables in the MariaDB/MySQL database at `url` (mysql:// or mariadb://) and loads the generated
 * data in one transaction, with foreign key checks off while dropping and loading (rows arrive in FK order anyway).
 * MariaDB DDL is not transactional: a failed load leaves empty or partly loaded tables, fixed by loading again.
 */
export async function loadDemoMariadb(url: string, options: DemoOptions = {}): Promise<DemoLoadResult> {
  const start = performance.now();
  // the driver loads here, not with the demo module (cold start of commands that only use the SQLite demo)
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url.replace(/^mariadb:/i, 'mysql:'), charset: 'utf8mb4' });
  try {
    await connection.query('SET FOREIGN_KEY_CHECKS=0');
    await connection.query("SET time_zone = '+00:00'");
    const all = [...DEMO_TABLES].reverse().concat(DEMO_META_TABLE);
    await connection.query(`DROP TABLE IF EXISTS ${all.join(', ')}`);
    for (const ddl of [...createTableDdl('mariadb'), metaTableDdl('mariadb')]) await connection.query(ddl);
    await connection.beginTransaction();
    let tables: Record<string, number>;
    try {
      tables = await insertAll(options, async (batch) => {
        await connection.query(`INSERT INTO ${batch.table} (${batch.columns.join(', ')}) VALUES ?`, [batch.rows]);
      });
      await connection.query(`INSERT INTO ${DEMO_META_TABLE} (\`key\`, \`value\`) VALUES ?`, [demoMetaRows(options)]);
      await connection.commit();
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    }
    await connection.query('SET FOREIGN_KEY_CHECKS=1');
    await connection.query(`ANALYZE TABLE ${DEMO_TABLES.join(', ')}`);
    return { dialect: 'mariadb', tables, elapsedMs: elapsedSince(start) };
  } finally {
    await connection.end();
  }
}

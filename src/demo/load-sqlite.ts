import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createTableDdl, metaTableDdl, postLoadDdl } from './ddl.js';
import { chunks, type DemoLoadResult, elapsedSince, insertAll, placeholders } from './load-common.js';
import { DEMO_META_TABLE, type DemoOptions, demoMetaRows } from './options.js';
import {
  allSqlite,
  closeSqlite,
  execSqlite,
  finalizeStatement,
  openSqlite,
  prepareSqlite,
  runStatement,
  type SqliteDatabase,
  type SqliteStatement,
} from './sqlite-async.js';

/** Rows per multi-row INSERT (well under SQLite's 32766 bound variables). */
const SQLITE_ROWS_PER_INSERT = 500;
let buildSequence = 0;

/**
 * Builds the demo database as a new SQLite file at `path`, atomically: it is written to a temporary file beside it
 * and renamed over `path`, so readers and concurrent builders never see a half-written file.
 */
export async function loadDemoSqlite(path: string, options: DemoOptions = {}): Promise<DemoLoadResult> {
  const start = performance.now();
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}${buildSequence++ === 0 ? '' : `-${buildSequence}`}`;
  await rm(tmp, { force: true });
  try {
    const db = await openSqlite(tmp);
    let tables: Record<string, number>;
    try {
      tables = await fillSqlite(db, options);
    } finally {
      await closeSqlite(db);
    }
    await rename(tmp, path);
    return { dialect: 'sqlite', tables, elapsedMs: elapsedSince(start) };
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function fillSqlite(db: SqliteDatabase, options: DemoOptions): Promise<Record<string, number>> {
  await execSqlite(db, 'PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; BEGIN');
  for (const ddl of [...createTableDdl('sqlite'), metaTableDdl('sqlite')]) await execSqlite(db, ddl);
  const statements = new Map<string, SqliteStatement>();
  try {
    const tables = await insertAll(options, async (batch) => {
      for (const rows of chunks(batch.rows, SQLITE_ROWS_PER_INSERT)) {
        const key = `${batch.table}:${rows.length}`;
        let statement = statements.get(key);
        if (!statement) {
          const sql = `INSERT INTO ${batch.table} (${batch.columns.join(', ')}) VALUES ${placeholders(rows.length, batch.columns.length, false)}`;
          statement = await prepareSqlite(db, sql);
          statements.set(key, statement);
        }
        await runStatement(statement, rows.flat());
      }
    });
    for (const [key, value] of demoMetaRows(options)) {
      await allSqlite(db, `INSERT INTO ${DEMO_META_TABLE} (key, value) VALUES (?, ?)`, [key, value]);
    }
    for (const ddl of postLoadDdl('sqlite')) await execSqlite(db, ddl);
    await execSqlite(db, 'COMMIT; ANALYZE');
    return tables;
  } finally {
    for (const statement of statements.values()) await finalizeStatement(statement);
  }
}

/** The fingerprint stored in a demo SQLite file, or undefined if the file is missing or not a demo database. */
export async function readDemoSqliteFingerprint(path: string): Promise<string | undefined> {
  let db: SqliteDatabase;
  try {
    db = await openSqlite(path, true);
  } catch {
    return undefined;
  }
  try {
    const rows = await allSqlite<{ value: string }>(
      db,
      `SELECT value FROM ${DEMO_META_TABLE} WHERE key = 'fingerprint'`,
    );
    return rows[0]?.value;
  } catch {
    return undefined;
  } finally {
    await closeSqlite(db).catch(() => undefined);
  }
}

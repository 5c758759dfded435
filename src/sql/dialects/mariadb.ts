/**
 * MariaDB/MySQL adapter. Defense in depth below the guard:
 * - multipleStatements is off, so the server refuses a second statement in one call;
 * - each new connection pins a sql_mode without NO_BACKSLASH_ESCAPES and ANSI_QUOTES, so strings and quotes are
 *   lexed by the server exactly as the guard lexed them;
 * - every use of a pooled connection starts with COM_RESET_CONNECTION (`conn.reset()`): user variables, temporary
 *   tables, prepared statements and session settings left by an earlier request are gone (as DISCARD ALL does for
 *   PostgreSQL); the reset also restores the global sql_mode, so the safe sql_mode is pinned again on every use;
 * - every statement runs in `SET SESSION TRANSACTION READ ONLY` + `START TRANSACTION READ ONLY` with
 *   max_statement_time (MariaDB) / max_execution_time (MySQL) set for the session, and is always rolled back;
 * - rows are streamed; after maxRows + 1 rows the connection is destroyed instead of reading the rest.
 */
import type { Connection as CallbackConnection } from 'mysql2';
import mysql, { type FieldPacket, type PoolConnection, type Pool as PromisePool } from 'mysql2/promise';
import type { Logger } from '../../common/logger.js';
import type { ConnectionConfig, DataSource } from '../../datasources/types.js';
import type { QueryResult, ReadOnlyLimits, ResultColumn } from '../types.js';
import { MARIADB_CAN_WRITE_SQL } from './can-write.js';
import { connectionError, messageOf, sqlError, sqlTimeoutError } from './errors.js';
import { pooledDataSource } from './source.js';

const TYPE_NAMES: Record<number, string> = {
  0: 'decimal',
  1: 'tinyint',
  2: 'smallint',
  3: 'int',
  4: 'float',
  5: 'double',
  6: 'null',
  7: 'timestamp',
  8: 'bigint',
  9: 'mediumint',
  10: 'date',
  11: 'time',
  12: 'datetime',
  13: 'year',
  15: 'varchar',
  16: 'bit',
  245: 'json',
  246: 'decimal',
  247: 'enum',
  248: 'set',
  249: 'tinyblob',
  250: 'mediumblob',
  251: 'longblob',
  252: 'blob',
  253: 'varchar',
  254: 'char',
  255: 'geometry',
};

/** MariaDB: ER_STATEMENT_TIMEOUT; MySQL: ER_QUERY_TIMEOUT; both: ER_QUERY_INTERRUPTED. */
const TIMEOUT_ERRNOS = new Set([1969, 3024, 1317]);
const CLIENT_GRACE_MS = 2_000;
const UNSAFE_SQL_MODES = new Set(['NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'ANSI']);

export function createMariadbSource(config: ConnectionConfig, deps: { logger: Logger }): DataSource {
  const pool: PromisePool = mysql.createPool({
    uri: config.url,
    connectionLimit: 4,
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    decimalNumbers: true,
    connectTimeout: 10_000,
    enableKeepAlive: true,
  });
  let flavour: 'mariadb' | 'mysql' | undefined;
  /** The server's sql_mode without the modes that change how strings and quotes are read (after a reset). */
  let safeMode: string | undefined;

  async function connect(): Promise<PoolConnection> {
    let conn: PoolConnection;
    try {
      conn = await pool.getConnection();
    } catch (error) {
      throw connectionError(config.name, error);
    }
    try {
      // nothing an earlier request left in the session survives: user variables, temporary tables, settings
      await conn.reset();
      if (safeMode === undefined) {
        const [rows] = await conn.query<mysql.RowDataPacket[]>(
          'SELECT @@SESSION.sql_mode AS mode, VERSION() AS version',
        );
        flavour = /mariadb/i.test(String(rows[0]?.version ?? '')) ? 'mariadb' : 'mysql';
        safeMode = String(rows[0]?.mode ?? '')
          .split(',')
          .filter((m) => m !== '' && !UNSAFE_SQL_MODES.has(m.toUpperCase()))
          .join(',');
      }
    } catch (error) {
      conn.destroy();
      throw connectionError(config.name, error);
    }
    return conn;
  }

  async function runReadOnly(sql: string, params: readonly unknown[], run: ReadOnlyLimits): Promise<QueryResult> {
    const timeoutMs = Math.max(1, Math.floor(run.timeoutMs));
    const conn = await connect();
    let destroyed = false;
    let timedOut = false;
    const started = performance.now();
    const timer = setTimeout(() => {
      timedOut = true;
      destroyed = true;
      conn.destroy();
    }, timeoutMs + CLIENT_GRACE_MS);
    try {
      // the reset restored the global sql_mode: pin the safe one again, with the timeout, in one round trip
      const limit =
        flavour === 'mysql'
          ? `max_execution_time = ${timeoutMs}`
          : `max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`;
      await conn.query(`SET SESSION sql_mode = ?, SESSION ${limit}`, [safeMode]);
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      await conn.query('START TRANSACTION READ ONLY');
      const result = await streamRows(conn, sql, params, run.maxRows, () => {
        destroyed = true;
      });
      if (!destroyed) await conn.query('ROLLBACK');
      return { ...result, elapsedMs: Math.round(performance.now() - started) };
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (timedOut || (errno !== undefined && TIMEOUT_ERRNOS.has(errno))) throw sqlTimeoutError(timeoutMs, error);
      if (!destroyed) await conn.query('ROLLBACK').catch(() => (destroyed = true));
      if ((error as { fatal?: boolean }).fatal) {
        destroyed = true;
        throw connectionError(config.name, error);
      }
      throw sqlError(messageOf(error), error, { errno });
    } finally {
      clearTimeout(timer);
      if (destroyed) conn.destroy();
      else conn.release();
    }
  }

  async function canWrite(): Promise<boolean> {
    const result = await runReadOnly(MARIADB_CAN_WRITE_SQL, [], { timeoutMs: 10_000, maxRows: 1 });
    return Number(result.rows[0]?.[0] ?? 0) > 0;
  }

  return pooledDataSource({ config, runReadOnly, canWrite, closePool: () => pool.end(), logger: deps.logger });
}

/** Streams rows from the callback connection; stops reading (destroys the connection) past the cap. */
function streamRows(
  conn: PoolConnection,
  sql: string,
  params: readonly unknown[],
  maxRows: number,
  onDestroy: () => void,
): Promise<Omit<QueryResult, 'elapsedMs'>> {
  return new Promise((resolve, reject) => {
    const rows: unknown[][] = [];
    let columns: ResultColumn[] = [];
    let truncated = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve({ columns, rows, rowCount: rows.length, truncated });
    };
    const callbackConnection = conn.connection as unknown as CallbackConnection;
    const query = callbackConnection.query({
      sql,
      rowsAsArray: true,
      values: params.length > 0 ? [...params] : undefined,
    });
    query.on('fields', (fields: FieldPacket[] | undefined) => {
      columns = (fields ?? []).map((f) => ({ name: f.name, type: TYPE_NAMES[f.columnType ?? -1] ?? 'unknown' }));
    });
    query.on('result', (row: unknown) => {
      if (settled) return;
      if (!Array.isArray(row)) return; // an OK packet (e.g. from SHOW in some servers) carries no rows
      if (rows.length >= maxRows) {
        truncated = true;
        onDestroy();
        conn.destroy();
        finish();
        return;
      }
      rows.push(row);
    });
    query.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    query.on('end', finish);
  });
}

export { MARIADB_CAN_WRITE_SQL } from './can-write.js';

/**
 * PostgreSQL adapter (also Supabase). Defense in depth below the guard:
 * - user SQL goes over the extended protocol (pg-cursor: Parse/Bind/Execute), which accepts exactly one statement,
 *   never over the simple-query protocol that runs `SELECT 1; COMMIT; DROP ...`;
 * - every statement runs inside `BEGIN READ ONLY` with SET LOCAL statement_timeout, lock_timeout and
 *   standard_conforming_strings (so the guard's reading of backslashes is the server's), and is always rolled back;
 * - at most maxRows + 1 rows are fetched from the cursor; the rest are never read;
 * - a client-side timer destroys the connection if the server does not honour the timeout.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Logger } from '../../common/logger.js';
import type { ConnectionConfig, DataSource } from '../../datasources/types.js';
import type { QueryResult, ReadOnlyLimits, ResultColumn } from '../types.js';
import { POSTGRES_CAN_WRITE_SQL } from './can-write.js';
import { connectionError, messageOf, sqlError, sqlTimeoutError } from './errors.js';
import { pooledDataSource } from './source.js';

const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  1000: '_bool',
  1005: '_int2',
  1007: '_int4',
  1009: '_text',
  1016: '_int8',
  1015: '_varchar',
};

const TIMEOUT_SQLSTATE = '57014';
const CLIENT_GRACE_MS = 2_000;

/** Dates and timestamps stay as the database prints them (no time-zone shifts); big integers become numbers when exact. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 1082 || oid === 1114 || oid === 1184) return (value: string) => value;
    if (oid === 20) {
      return (value: string) => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value;
      };
    }
    if (oid === 1700) {
      return (value: string) => {
        const n = Number(value);
        return Number.isFinite(n) && value.replace(/^-?0*|\.?0*$/g, '').replace('.', '').length <= 15 ? n : value;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function createPostgresSource(config: ConnectionConfig, deps: { logger: Logger }): DataSource {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'sleuth',
    types,
  });
  pool.on('error', (error) =>
    deps.logger.warn({ connection: config.name, err: messageOf(error) }, 'idle connection error'),
  );

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw connectionError(config.name, error);
    }
  }

  async function runReadOnly(sql: string, params: readonly unknown[], run: ReadOnlyLimits): Promise<QueryResult> {
    const timeoutMs = Math.max(1, Math.floor(run.timeoutMs));
    const client = await connect();
    let destroy = false;
    const started = performance.now();
    const timer = setTimeout(() => {
      destroy = true;
      // The server ignored statement_timeout: cut the connection; the pending query rejects.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }, timeoutMs + CLIENT_GRACE_MS);
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      await client.query(`SET LOCAL lock_timeout = ${Math.min(timeoutMs, 5_000)}`);
      await client.query('SET LOCAL standard_conforming_strings = on');
      const result = await readCursor(client, sql, params, run.maxRows);
      await client.query('ROLLBACK');
      return { ...result, elapsedMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (!destroy) await client.query('ROLLBACK').catch(() => (destroy = true));
      const code = (error as { code?: string }).code;
      if (code === TIMEOUT_SQLSTATE || destroy) throw sqlTimeoutError(timeoutMs, error);
      if (isConnectionLoss(error)) {
        destroy = true;
        throw connectionError(config.name, error);
      }
      throw sqlError(messageOf(error), error, { sqlState: code });
    } finally {
      clearTimeout(timer);
      client.release(destroy);
    }
  }

  async function canWrite(): Promise<boolean> {
    const result = await runReadOnly(POSTGRES_CAN_WRITE_SQL, [], { timeoutMs: 10_000, maxRows: 1 });
    return result.rows[0]?.[0] === true;
  }

  return pooledDataSource({ config, runReadOnly, canWrite, closePool: () => pool.end(), logger: deps.logger });
}

async function readCursor(
  client: pg.PoolClient,
  sql: string,
  params: readonly unknown[],
  maxRows: number,
): Promise<Omit<QueryResult, 'elapsedMs'>> {
  const cursor = client.query(new Cursor(sql, [...params], { rowMode: 'array', types }));
  try {
    const rows = (await cursor.read(maxRows + 1)) as unknown[][];
    const fields =
      (cursor as unknown as { _result?: { fields?: { name: string; dataTypeID: number }[] } })._result?.fields ?? [];
    const columns: ResultColumn[] = fields.map((f) => ({
      name: f.name,
      type: TYPE_NAMES[f.dataTypeID] ?? `oid:${f.dataTypeID}`,
    }));
    const truncated = rows.length > maxRows;
    if (truncated) rows.length = maxRows;
    return { columns, rows, rowCount: rows.length, truncated };
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

function isConnectionLoss(error: unknown): boolean {
  const message = messageOf(error);
  return /Connection terminated|ECONNRESET|ECONNREFUSED|not queryable/i.test(message);
}

export { POSTGRES_CAN_WRITE_SQL } from './can-write.js';

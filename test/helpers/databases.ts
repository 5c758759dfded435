/**
 * Test access to the real database servers. Admin statements (creating fixture databases and tables) use the raw
 * drivers directly: they are test setup, not Sleuth's query path.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { createLogger } from '../../src/common/logger.js';
import type { ConnectionConfig } from '../../src/datasources/index.js';
import type { SqlDialect } from '../../src/sql/index.js';

export const PG_ADMIN_URL = process.env.SLEUTH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MARIADB_ADMIN_URL = process.env.SLEUTH_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export const silentLogger = createLogger({ level: 'silent' });

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Appended to every server-side test database name: lets several checkouts of Sleuth run their tests against the same
 * PostgreSQL and MariaDB servers at once without sharing (or migrating) each other's databases. Empty by default.
 */
const DATABASE_SUFFIX = (process.env.SLEUTH_TEST_DB_SUFFIX ?? '').replace(/[^a-z0-9_]/gi, '');

/**
 * Creates the database if it does not exist and returns its URL (sqlite: a file path under .sleuth/test).
 * Server databases get SLEUTH_TEST_DB_SUFFIX appended to `baseName`.
 */
export async function ensureDatabase(dialect: SqlDialect, baseName: string): Promise<string> {
  const name = dialect === 'sqlite' ? baseName : `${baseName}${DATABASE_SUFFIX}`;
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
          if (error.code !== '42P04' && error.code !== '23505') throw error; // created concurrently
        });
      }
    } finally {
      await client.end();
    }
    return withDatabase(PG_ADMIN_URL, name);
  }
  if (dialect === 'mariadb') {
    const conn = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
    try {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
    return withDatabase(MARIADB_ADMIN_URL, name);
  }
  const path = `${process.cwd()}/.sleuth/test/${name}.sqlite`;
  mkdirSync(dirname(path), { recursive: true });
  return `sqlite:${path}`;
}

/** Runs admin statements (setup only) with the raw driver, one at a time, returning the last result's rows. */
export async function adminExec(dialect: SqlDialect, url: string, statements: readonly string[]): Promise<unknown[]> {
  let last: unknown[] = [];
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of statements) last = (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
    return last;
  }
  if (dialect === 'mariadb') {
    const conn = await mysql.createConnection({ uri: url });
    try {
      for (const sql of statements) {
        const [rows] = await conn.query(sql);
        last = Array.isArray(rows) ? (rows as unknown[]) : [];
      }
    } finally {
      await conn.end();
    }
    return last;
  }
  const path = url.slice('sqlite:'.length);
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    for (const sql of statements) {
      last = await new Promise<unknown[]>((resolve, reject) =>
        db.all(sql, (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows))),
      );
    }
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
  return last;
}

export function connectionFor(
  dialect: SqlDialect,
  url: string,
  overrides: Partial<ConnectionConfig> = {},
): ConnectionConfig {
  return { name: `test-${dialect}`, url, dialect, timeoutMs: 30_000, maxRows: 10_000, ...overrides };
}

export const DIALECTS: readonly SqlDialect[] = ['postgres', 'mariadb', 'sqlite'];

/**
 * Load-speed benchmark for the demo dataset: loads it into SQLite (a temp file), PostgreSQL and MariaDB and prints
 * one line per dialect. Run: npx tsx bench/demo-db.ts [--scale N]
 * Targets: SLEUTH_BENCH_PG_URL and SLEUTH_BENCH_MARIADB_URL (default: database sleuth_bench_demo on the local
 * servers, created if missing).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { type DemoLoadResult, loadDemoMariadb, loadDemoPostgres, loadDemoSqlite } from '../src/demo/index.js';

const BENCH_DB = 'sleuth_bench_demo';
const PG_URL = process.env.SLEUTH_BENCH_PG_URL ?? `postgres://postgres@127.0.0.1:5432/${BENCH_DB}`;
const MARIADB_URL = process.env.SLEUTH_BENCH_MARIADB_URL ?? `mysql://root@127.0.0.1:3306/${BENCH_DB}`;
// A fixed anchor keeps runs comparable.
const ANCHOR = new Date('2026-01-15T00:00:00Z');

function parseScale(argv: readonly string[]): number {
  const i = argv.indexOf('--scale');
  if (i < 0) return 1;
  const scale = Number(argv[i + 1]);
  if (!(scale > 0)) throw new Error(`--scale needs a positive number (got "${argv[i + 1] ?? ''}")`);
  return scale;
}

/** Creates the URL's database if missing, through a connection to the `test` database (postgres) or none (mariadb). */
async function ensurePgDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/test';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

async function ensureMariadbDatabase(url: string): Promise<void> {
  const target = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/';
  const connection = await createConnection({ uri: target.toString() });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name.replaceAll('`', '``')}\` CHARACTER SET utf8mb4`);
  } finally {
    await connection.end();
  }
}

function report(result: DemoLoadResult, scale: number): void {
  const rows = Object.values(result.tables).reduce((sum, n) => sum + n, 0);
  const perSecond = Math.round(rows / Math.max(result.elapsedMs / 1000, 0.001));
  process.stdout.write(
    `demo-db ${result.dialect} scale=${scale} rows=${rows} load_ms=${result.elapsedMs} rows_per_s=${perSecond}\n`,
  );
}

async function main(): Promise<void> {
  const scale = parseScale(process.argv.slice(2));
  const options = { seed: 42, scale, anchor: ANCHOR };
  const dir = await mkdtemp(join(tmpdir(), 'sleuth-bench-demo-'));
  try {
    report(await loadDemoSqlite(join(dir, 'demo.sqlite'), options), scale);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!process.env.SLEUTH_BENCH_PG_URL) await ensurePgDatabase(PG_URL);
  report(await loadDemoPostgres(PG_URL, options), scale);
  if (!process.env.SLEUTH_BENCH_MARIADB_URL) await ensureMariadbDatabase(MARIADB_URL);
  report(await loadDemoMariadb(MARIADB_URL, options), scale);
}

await main();

/**
 * Guard throughput: statements checked per second per dialect, over the attack and legitimate fixtures (a realistic
 * mix of short rejections and full parses), with the raw parser's rate on the same legitimate statements measured in
 * the same run (libpg-query `parseSync` for PostgreSQL, node-sql-parser's own grammar for MariaDB/SQLite) and the
 * guard/raw cost ratio. `verify` is the server path (MariaDB/SQLite grammar parse in the worker pool), measured
 * sequentially (one statement at a time, as a request sees it) and with 8 statements in flight.
 * Usage: npm run bench:guard [-- --seconds 2]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule, parseSync } from 'libpg-query';
import mariadbGrammar from 'node-sql-parser/build/mariadb.js';
import sqliteGrammar from 'node-sql-parser/build/sqlite.js';
import { parse } from 'yaml';
import { createSqlGuard, SQL_DIALECTS, type SqlDialect } from '../src/sql/index.js';

interface Entry {
  sql: string;
  dialects?: SqlDialect[];
}

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1.5;
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'sql');
const load = (file: string) => parse(readFileSync(join(fixtures, file), 'utf8')) as Entry[];

await loadModule();
const mariadb = new mariadbGrammar.Parser();
const sqlite = new sqliteGrammar.Parser();
const attempt = (fn: () => unknown) => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};
const raw: Record<SqlDialect, (sql: string) => boolean> = {
  postgres: (sql) => attempt(() => parseSync(sql)),
  mariadb: (sql) => attempt(() => mariadb.parse(sql, { database: 'MariaDB' })),
  sqlite: (sql) => attempt(() => sqlite.parse(sql, { database: 'Sqlite' })),
};

/** Statements per second of `fn` over `statements`, after a warm-up. */
function rate(statements: readonly string[], fn: (sql: string) => void): number {
  for (let i = 0; i < 200; i++) fn(statements[i % statements.length]!);
  let checked = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (const sql of statements) fn(sql);
    checked += statements.length;
  }
  return checked / ((performance.now() - started) / 1000);
}

async function asyncRate(statements: readonly string[], fn: (sql: string) => Promise<unknown>, inFlight: number) {
  for (let i = 0; i < 50; i++) await fn(statements[i % statements.length]!);
  let checked = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  let next = 0;
  const lane = async () => {
    while (performance.now() < until) {
      await fn(statements[next++ % statements.length]!);
      checked++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return checked / ((performance.now() - started) / 1000);
}

const guard = await createSqlGuard();
const f = (n: number) => String(Math.round(n)).padStart(6);
for (const [label, file] of [
  ['legit', 'legit.yaml'],
  ['attacks', 'attacks.yaml'],
] as const) {
  const entries = load(file);
  for (const dialect of SQL_DIALECTS) {
    const statements = entries.filter((e) => (e.dialects ?? SQL_DIALECTS).includes(dialect)).map((e) => e.sql);
    const checked = rate(statements, (sql) => guard.check(sql, dialect));
    let line = `guard ${dialect.padEnd(8)} ${label.padEnd(7)} statements=${statements.length} per_second=${f(checked)} mean_us=${(1e6 / checked).toFixed(1)}`;
    if (label === 'legit') {
      // the ratio is taken on the statements the raw grammar parses as written (a raw parse that fails early is
      // cheaper than the guard's full analysis of the same statement, so including those would flatter nothing)
      const same = statements.filter((sql) => raw[dialect](sql));
      const guardSame = rate(same, (sql) => guard.check(sql, dialect));
      const parsed = rate(same, raw[dialect]);
      const one = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 1);
      const eight = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 8);
      line += ` | same_${same.length}: guard=${f(guardSame)} raw_parse=${f(parsed)} guard_vs_raw=${(parsed / guardSame).toFixed(2)}x | verify_per_second=${f(one)} verify_8_in_flight=${f(eight)}`;
    }
    console.log(line);
  }
}
process.exit(0);

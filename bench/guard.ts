/**
 * Guard throughput: statements checked per second per dialect, over the attack and legitimate fixtures (a realistic
 * mix of short rejections and full parses), with the raw parser's rate on the same legitimate statements measured in
 * the same run, and the guard/raw cost ratio (guard time / raw parse time; the goal is <= 1.5).
 *
 * "Raw" is exactly the parse call the guard itself makes: libpg-query `parseSync` for PostgreSQL, node-sql-parser's
 * `Parser.parse(text, { database })` with the dialect's own grammar for MariaDB/SQLite, on the statement as written.
 * The ratio is taken on the statements that raw call parses (a raw parse that fails early is cheaper than the
 * guard's full analysis of the same statement, so including those would flatter nothing).
 *
 * Fairness: both sides run the same statements in the same process; a warm-up alternates them until the JIT has
 * settled (the PEG parsers keep getting faster for seconds); then `--rounds` rounds each time a fixed number of passes
 * of both, alternating which goes first, and the medians are reported (rates, and the median of the per-round
 * ratios, which compares neighbouring measurements under the same machine load).
 *
 * `verify` is the server path (MariaDB/SQLite grammar parse in the worker pool), measured sequentially (one statement
 * at a time, as a request sees it) and with 8 statements in flight.
 * Usage: npm run bench:guard [-- --seconds 1.5 --rounds 9 --warmup 3 --dialect postgres]
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

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
/** Measured time per comparison (both sides together), after the warm-up. */
const seconds = option('seconds', 1.5);
const rounds = Math.max(1, Math.floor(option('rounds', 9)));
const warmupSeconds = option('warmup', 3);
const only = process.argv.includes('--dialect') ? process.argv[process.argv.indexOf('--dialect') + 1] : undefined;
const dialects = SQL_DIALECTS.filter((d) => only === undefined || d === only);
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

type Fn = (sql: string) => unknown;

/** Milliseconds for `passes` passes of `fn` over `statements`. */
function timePasses(statements: readonly string[], fn: Fn, passes: number): number {
  const started = performance.now();
  for (let p = 0; p < passes; p++) for (const sql of statements) fn(sql);
  return performance.now() - started;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Statements per second of each function (median over rounds) and the median per-round cost ratio of the first to
 * the second, after a warm-up that alternates them.
 */
function compare(statements: readonly string[], fns: readonly Fn[]): { rates: number[]; ratio: number } {
  const warmUntil = performance.now() + warmupSeconds * 1000;
  const perPass = fns.map(() => 0);
  let warmPasses = 0;
  do {
    fns.forEach((fn, i) => {
      perPass[i]! += timePasses(statements, fn, 1);
    });
    warmPasses++;
  } while (performance.now() < warmUntil || warmPasses < 3);
  const budget = (seconds * 1000) / rounds / fns.length;
  const passes = perPass.map((total) => Math.max(1, Math.round(budget / (total / warmPasses))));
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? fns.map((_, i) => i) : fns.map((_, i) => fns.length - 1 - i);
    for (const i of order) times[i]!.push(timePasses(statements, fns[i]!, passes[i]!) / passes[i]!);
  }
  const rates = times.map((t) => (statements.length * 1000) / median(t));
  const ratio = fns.length > 1 ? median(times[0]!.map((t, r) => t / times[1]![r]!)) : 1;
  return { rates, ratio };
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
  for (const dialect of dialects) {
    const statements = entries.filter((e) => (e.dialects ?? SQL_DIALECTS).includes(dialect)).map((e) => e.sql);
    const check: Fn = (sql) => guard.check(sql, dialect);
    const [checked] = compare(statements, [check]).rates as [number];
    let line = `guard ${dialect.padEnd(8)} ${label.padEnd(7)} statements=${statements.length} per_second=${f(checked)} mean_us=${(1e6 / checked).toFixed(1)}`;
    if (label === 'legit') {
      const same = statements.filter((sql) => raw[dialect](sql));
      const { rates, ratio } = compare(same, [check, raw[dialect]]);
      const [guardSame, parsed] = rates as [number, number];
      const one = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 1);
      const eight = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 8);
      line += ` | same_${same.length}: guard=${f(guardSame)} raw_parse=${f(parsed)} guard_vs_raw=${ratio.toFixed(2)}x${ratio <= 1.5 ? '' : ' (goal <= 1.5x)'} | verify_per_second=${f(one)} verify_8_in_flight=${f(eight)}`;
    }
    console.log(line);
  }
}
console.log(`(median of ${rounds} rounds after a ${warmupSeconds} s warm-up; ratio = guard time / raw parse time)`);
process.exit(0);

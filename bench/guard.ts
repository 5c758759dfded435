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
 * ratios, which compares neighbouring measurements under the same machine load). The ratio is taken on the
 * process's CPU time (user + system, GC threads included), so time spent descheduled on a shared machine counts for
 * neither side; the wall-clock ratio is printed next to it.
 *
 * `verify` is the server path (MariaDB/SQLite grammar parse in the worker pool), measured sequentially (one statement
 * at a time, as a request sees it) and with 8 statements in flight.
 * Usage: npm run bench:guard [-- --seconds 4 --rounds 11 --warmup 5 --dialect postgres]
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
const seconds = option('seconds', 4);
const rounds = Math.max(1, Math.floor(option('rounds', 11)));
const warmupSeconds = option('warmup', 5);
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

/** Wall-clock and CPU milliseconds (user + system, this process) for `passes` passes of `fn` over `statements`. */
function timePasses(statements: readonly string[], fn: Fn, passes: number): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let p = 0; p < passes; p++) for (const sql of statements) fn(sql);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Comparison {
  /** Statements per wall-clock second, per function (median over rounds). */
  rates: number[];
  /** Median over rounds of (first function's time / second's): CPU time, and wall-clock time. */
  ratio: number;
  wallRatio: number;
}

/**
 * Statements per second of each function (median over rounds) and the median per-round cost ratio of the first to
 * the second, after a warm-up that alternates them. The ratio is taken on CPU time (the machine is shared: time this
 * process spends descheduled is nobody's cost); the wall-clock ratio is reported next to it.
 */
function compare(statements: readonly string[], fns: readonly Fn[], warmup: number): Comparison {
  const warmUntil = performance.now() + warmup * 1000;
  const perPass = fns.map(() => 0);
  let warmPasses = 0;
  do {
    for (let i = 0; i < fns.length; i++) perPass[i]! += timePasses(statements, fns[i]!, 1).wall;
    warmPasses++;
  } while (performance.now() < warmUntil || warmPasses < 3);
  const budget = (seconds * 1000) / rounds / fns.length;
  const passes = perPass.map((total) => Math.max(1, Math.round(budget / (total / warmPasses))));
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? fns.map((_, i) => i) : fns.map((_, i) => fns.length - 1 - i);
    for (const i of order) {
      const t = timePasses(statements, fns[i]!, passes[i]!);
      wall[i]!.push(t.wall / passes[i]!);
      cpu[i]!.push(t.cpu / passes[i]!);
    }
  }
  const rates = wall.map((t) => (statements.length * 1000) / median(t));
  const ratioOf = (times: number[][]) => (fns.length > 1 ? median(times[0]!.map((t, r) => t / times[1]![r]!)) : 1);
  return { rates, ratio: ratioOf(cpu), wallRatio: ratioOf(wall) };
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
const legit = load('legit.yaml');
const attacks = load('attacks.yaml');
const forDialect = (entries: Entry[], dialect: SqlDialect) =>
  entries.filter((e) => (e.dialects ?? SQL_DIALECTS).includes(dialect)).map((e) => e.sql);
for (const dialect of dialects) {
  const check: Fn = (sql) => guard.check(sql, dialect);
  const statements = forDialect(legit, dialect);
  // first the guard against the raw parse (with the long warm-up the PEG grammars need), then the other rates
  const same = statements.filter((sql) => raw[dialect](sql));
  const { rates, ratio, wallRatio } = compare(same, [check, raw[dialect]], warmupSeconds);
  const [guardSame, parsed] = rates as [number, number];
  const [checked] = compare(statements, [check], 1).rates as [number];
  const one = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 1);
  const eight = await asyncRate(statements, (sql) => guard.verify!(sql, dialect), 8);
  console.log(
    `guard ${dialect.padEnd(8)} legit   statements=${statements.length} per_second=${f(checked)} mean_us=${(1e6 / checked).toFixed(1)}` +
      ` | same_${same.length}: guard=${f(guardSame)} raw_parse=${f(parsed)} guard_vs_raw=${ratio.toFixed(2)}x (wall ${wallRatio.toFixed(2)}x)${ratio <= 1.5 ? '' : ' (goal <= 1.5x)'}` +
      ` | verify_per_second=${f(one)} verify_8_in_flight=${f(eight)}`,
  );
  const hostile = forDialect(attacks, dialect);
  const [refused] = compare(hostile, [check], 1).rates as [number];
  console.log(
    `guard ${dialect.padEnd(8)} attacks statements=${hostile.length} per_second=${f(refused)} mean_us=${(1e6 / refused).toFixed(1)}`,
  );
}
console.log(
  `(rates: statements per wall-clock second, median of ${rounds} rounds; guard_vs_raw: median per-round CPU-time ratio guard / raw parse, after a ${warmupSeconds} s warm-up alternating both)`,
);
process.exit(0);

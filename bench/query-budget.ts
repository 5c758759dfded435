/**
 * Overhead of the query cost budget: every golden query of datasets/golden/demo.yaml on the demo database, run
 * through the executor without a budget and with the default one (which first EXPLAINs the statement, through the
 * guard and the read-only path), alternating, several rounds. Prints per dialect the p50/p95 of a statement's time
 * both ways and of the time the EXPLAIN adds, per statement. Usage: npm run bench:query-budget [-- --rounds 5]
 * Targets: SLEUTH_BENCH_PG_URL and SLEUTH_BENCH_MARIADB_URL (default: database sleuth_bench_demo on the local
 * servers, which must exist; the demo data is loaded into it first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLogger } from '../src/common/logger.js';
import { createDataSource } from '../src/datasources/index.js';
import { loadDemoMariadb, loadDemoPostgres } from '../src/demo/index.js';
import { createSqlExecutor, createSqlGuard, DEFAULT_QUERY_BUDGETS, type SqlDialect } from '../src/sql/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rounds = Number(arg('rounds', '5'));
const root = join(import.meta.dirname, '..');
const logger = createLogger({ level: 'silent' });
const anchor = new Date('2026-11-15T12:00:00Z');
const TARGETS: Record<'postgres' | 'mariadb', string> = {
  postgres: process.env.SLEUTH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/sleuth_bench_demo',
  mariadb: process.env.SLEUTH_BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/sleuth_bench_demo',
};

const golden = parse(readFileSync(join(root, 'datasets/golden/demo.yaml'), 'utf8')) as {
  cases: { id: string; sql: Record<string, string> | null }[];
};

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
const median = (values: number[]) => pct(values, 0.5);
const ms = (n: number) => n.toFixed(2);

const guard = await createSqlGuard();
for (const dialect of ['postgres', 'mariadb'] as const satisfies readonly SqlDialect[]) {
  const url = TARGETS[dialect];
  await (dialect === 'postgres' ? loadDemoPostgres(url, { anchor }) : loadDemoMariadb(url, { anchor }));
  const source = createDataSource({ name: 'demo', url, dialect, timeoutMs: 30_000, maxRows: 10_000 }, { logger });
  const plain = createSqlExecutor({ guard, logger });
  const budgeted = createSqlExecutor({ guard, logger, queryBudget: () => DEFAULT_QUERY_BUDGETS[dialect] });
  const statements = golden.cases.flatMap((c) => {
    const sql = c.sql?.[dialect] ?? c.sql?.default;
    return sql ? [sql] : [];
  });
  const without: number[] = [];
  const withBudget: number[] = [];
  const added: number[] = [];
  let refused = 0;
  for (const sql of statements) {
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      let started = performance.now();
      await plain.execute(source, sql);
      const t1 = performance.now() - started;
      started = performance.now();
      try {
        await budgeted.execute(source, sql);
      } catch {
        refused++;
      }
      const t2 = performance.now() - started;
      if (round === 0) continue; // warm-up
      a.push(t1);
      b.push(t2);
    }
    without.push(median(a));
    withBudget.push(median(b));
    added.push(median(b) - median(a));
  }
  process.stdout.write(
    `query-budget ${dialect} statements=${statements.length} rounds=${rounds} refused=${refused} ` +
      `without_p50_ms=${ms(pct(without, 0.5))} without_p95_ms=${ms(pct(without, 0.95))} ` +
      `with_p50_ms=${ms(pct(withBudget, 0.5))} with_p95_ms=${ms(pct(withBudget, 0.95))} ` +
      `added_p50_ms=${ms(pct(added, 0.5))} added_p95_ms=${ms(pct(added, 0.95))}\n`,
  );
  await source.close();
}

/**
 * Overhead of the query cost budget: every golden query of datasets/golden/demo.yaml on the demo database, run
 * through the executor without a budget and with the default one (which first EXPLAINs the statement, through the
 * guard and the read-only path), alternating, several rounds. Prints per dialect the p50/p95 (over statements, each
 * its median over the rounds) of the statement without the budget, of the EXPLAIN round trip the budget adds (timed
 * at the data source: read-only transaction, EXPLAIN, rollback), and of the difference of the two end-to-end times
 * (noisier: it carries the statement's own variance). Usage: npm run bench:query-budget [-- --rounds 5]
 * Targets: SLEUTH_BENCH_PG_URL and SLEUTH_BENCH_MARIADB_URL (default: database sleuth_bench_demo on the local
 * servers, which must exist; the demo data is loaded into it first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLogger } from '../src/common/logger.js';
import { createDataSource, type DataSource } from '../src/datasources/index.js';
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
  // times the EXPLAIN round trips the budgeted executor makes
  let explainMs = 0;
  const timed: DataSource = {
    name: source.name,
    dialect: source.dialect,
    limits: source.limits,
    canWrite: () => source.canWrite(),
    ping: () => source.ping(),
    close: () => source.close(),
    async runReadOnly(sql, params, limits) {
      const started = performance.now();
      try {
        return await source.runReadOnly(sql, params, limits);
      } finally {
        if (sql.startsWith('EXPLAIN')) explainMs += performance.now() - started;
      }
    },
  };
  const plain = createSqlExecutor({ guard, logger });
  const budgeted = createSqlExecutor({ guard, logger, queryBudget: () => DEFAULT_QUERY_BUDGETS[dialect] });
  const statements = golden.cases.flatMap((c) => {
    const sql = c.sql?.[dialect] ?? c.sql?.default;
    return sql ? [sql] : [];
  });
  const without: number[] = [];
  const explains: number[] = [];
  const added: number[] = [];
  let refused = 0;
  for (const sql of statements) {
    const a: number[] = [];
    const b: number[] = [];
    const e: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      let started = performance.now();
      await plain.execute(timed, sql);
      const t1 = performance.now() - started;
      explainMs = 0;
      started = performance.now();
      try {
        await budgeted.execute(timed, sql);
      } catch {
        refused++;
      }
      const t2 = performance.now() - started;
      if (round === 0) continue; // warm-up
      a.push(t1);
      b.push(t2);
      e.push(explainMs);
    }
    without.push(median(a));
    explains.push(median(e));
    added.push(median(b) - median(a));
  }
  process.stdout.write(
    `query-budget ${dialect} statements=${statements.length} rounds=${rounds} refused=${refused} ` +
      `statement_p50_ms=${ms(pct(without, 0.5))} statement_p95_ms=${ms(pct(without, 0.95))} ` +
      `explain_p50_ms=${ms(pct(explains, 0.5))} explain_p95_ms=${ms(pct(explains, 0.95))} ` +
      `difference_p50_ms=${ms(pct(added, 0.5))} difference_p95_ms=${ms(pct(added, 0.95))}\n`,
  );
  await source.close();
}

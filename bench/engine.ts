/**
 * Engine overhead: N investigations at once (default 50) with a scripted model against the demo database, memory in
 * embedded PGlite. Per investigation: total wall time minus time inside the model and inside the database
 * (runReadOnly, including waiting for the connection) = engine overhead (prompting, tool dispatch, summaries, event
 * recording). Prints p50/p95 and peak RSS, for the memory store and, as the baseline measured in the same run, for an
 * in-process store that keeps events in a Map (the engine without a memory database), with their ratio.
 * Usage: npm run bench:engine [-- --n 50 --db sqlite|postgres --pool 20]
 * SLEUTH_BENCH_MEMORY_URL=postgres://... puts memory on a server instead of embedded PGlite; --pool sizes its
 * connection pool (default: as a worker running N at once, defaultMemoryPoolSize).
 *
 * Embedded memory is a new in-memory PGlite by default; `--memory-dir` opens it as `sleuth serve` does after its first
 * start: a data directory that exists already (created once, in a child process, under .sleuth/bench/engine-memory).
 * PGlite's first-time initdb leaves ~430 MB of WebAssembly memory in the process that ran it (the default case pays
 * it; `--memory-dir` does not), while a data directory's file writes run synchronously on the main thread.
 */

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createInvestigationTarget,
  createScriptedProvider,
  type InvestigationStore,
  investigate,
  loadScript,
  type ModelProvider,
} from '../src/agent/index.js';
import { createLogger } from '../src/common/logger.js';
import { defaultMemoryPoolSize } from '../src/config/index.js';
import { createDataSource, type DataSource } from '../src/datasources/index.js';
import { loadDemoPostgres, loadDemoSqlite } from '../src/demo/index.js';
import { openMemoryStore } from '../src/memory/index.js';
import { createSqlExecutor, createSqlGuard } from '../src/sql/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const n = Number(arg('n', '50'));
const dialect = arg('db', 'sqlite') as 'sqlite' | 'postgres';
const logger = createLogger({ level: 'silent' });
const anchor = new Date('2026-11-15T12:00:00Z');

async function demoSource(): Promise<DataSource> {
  if (dialect === 'sqlite') {
    const path = join(process.cwd(), '.sleuth', 'bench', 'engine-demo.sqlite');
    await loadDemoSqlite(path, { anchor });
    return createDataSource(
      { name: 'demo', url: `sqlite:${path}`, dialect, timeoutMs: 30_000, maxRows: 10_000 },
      { logger },
    );
  }
  const url = process.env.SLEUTH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/sleuth_bench_demo';
  await loadDemoPostgres(url, { anchor });
  return createDataSource({ name: 'demo', url, dialect, timeoutMs: 30_000, maxRows: 10_000 }, { logger });
}

const shared = await demoSource();
const memoryUrl = process.env.SLEUTH_BENCH_MEMORY_URL;
const poolSize = Number(arg('pool', String(defaultMemoryPoolSize(n))));
const fresh = !process.argv.includes('--memory-dir');

/** A PGlite data directory made once by a child process (the initdb run), then reused as a served process would. */
function existingMemoryDir(): string {
  const dir = join(process.cwd(), '.sleuth', 'bench', 'engine-memory');
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    rmSync(dir, { recursive: true, force: true });
    const init = `const { PGlite } = await import('@electric-sql/pglite'); await (await PGlite.create({ dataDir: ${JSON.stringify(dir)} })).close();`;
    execFileSync(process.execPath, ['--input-type=module', '-e', init], { stdio: 'inherit' });
  }
  return dir;
}

const store = await openMemoryStore({
  url: memoryUrl,
  dataDir: memoryUrl || fresh ? undefined : existingMemoryDir(),
  poolSize,
  logger,
});

/** The baseline: events and steps kept in this process, no database. */
function inProcessStore(): InvestigationStore {
  const seqs = new Map<string, number>();
  const next = (id: string) => {
    const seq = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, seq);
    return { seq, createdAt: new Date() };
  };
  return {
    async createInvestigation() {
      const id = randomUUID();
      seqs.set(id, 0);
      return { id };
    },
    async updateInvestigation() {},
    async appendEvent(id) {
      return next(id);
    },
    async appendEvents(id, events) {
      return events.map(() => next(id));
    },
    async listSteps() {
      return [];
    },
    async getSession() {
      return undefined;
    },
    async updateSessionSummary() {},
  };
}

const executor = createSqlExecutor({ guard: await createSqlGuard(), logger });
const script = loadScript(join(import.meta.dirname, '..', 'test', 'fixtures', 'scripts', 'signups-sqlite.yaml'));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function one(
  store: InvestigationStore,
): Promise<{ total: number; model: number; db: number; overhead: number; ok: boolean }> {
  let modelMs = 0;
  // Database time is wall time with at least one statement in flight (tool calls run concurrently).
  let dbMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const inner = createScriptedProvider(script);
  const model: ModelProvider = {
    id: inner.id,
    model: inner.model,
    async complete(request) {
      const t = performance.now();
      try {
        return await inner.complete(request);
      } finally {
        modelMs += performance.now() - t;
      }
    },
  };
  const source: DataSource = {
    ...shared,
    name: shared.name,
    dialect: shared.dialect,
    limits: shared.limits,
    async runReadOnly(sql, params, limits) {
      if (inFlight++ === 0) busySince = performance.now();
      try {
        return await shared.runReadOnly(sql, params, limits);
      } finally {
        if (--inFlight === 0) dbMs += performance.now() - busySince;
      }
    },
  };
  const target = createInvestigationTarget({ connection: 'demo', source, executor });
  const started = performance.now();
  let ok = false;
  for await (const event of investigate({ question: 'Which channel drove signups last month?' }, target, {
    model,
    store,
    logger,
    today: () => '2026-11-15',
  })) {
    if (event.type === 'done') ok = true;
    if (event.type === 'failed' && process.env.BENCH_DEBUG) console.error(JSON.stringify(event.error));
  }
  const total = performance.now() - started;
  return { total, model: modelMs, db: dbMs, overhead: total - modelMs - dbMs, ok };
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const fmt = (v: number) => v.toFixed(1);

async function measure(store: InvestigationStore) {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: n }, () => one(store)));
  const wall = performance.now() - started;
  const overhead = results.map((r) => r.overhead);
  const totals = results.map((r) => r.total);
  return {
    wall,
    succeeded: results.filter((r) => r.ok).length,
    p50: pct(overhead, 50),
    p95: pct(overhead, 95),
    totalP50: pct(totals, 50),
    totalP95: pct(totals, 95),
    dbP50: pct(
      results.map((r) => r.db),
      50,
    ),
    modelP50: pct(
      results.map((r) => r.model),
      50,
    ),
  };
}

// Warm up (parsers, prepared caches), then the baseline and the measured concurrent run.
const baselineStore = inProcessStore();
await one(baselineStore);
await one(store);
const baseline = await measure(baselineStore);
const baselineRss = peakRss;
const run = await measure(store);
clearInterval(sampler);

console.log(
  `engine db=${dialect} memory=${store.backend}${store.backend === 'pglite' ? (fresh ? '(in memory)' : '(data dir)') : ''} pool=${memoryUrl ? poolSize : '-'} investigations=${n} succeeded=${run.succeeded} wall_ms=${fmt(run.wall)} ` +
    `overhead_p50_ms=${fmt(run.p50)} overhead_p95_ms=${fmt(run.p95)} ` +
    `total_p50_ms=${fmt(run.totalP50)} total_p95_ms=${fmt(run.totalP95)} ` +
    `db_p50_ms=${fmt(run.dbP50)} model_p50_ms=${fmt(run.modelP50)} ` +
    `peak_rss_mb=${fmt(peakRss / 1024 / 1024)}`,
);
console.log(
  `baseline memory=in-process succeeded=${baseline.succeeded} wall_ms=${fmt(baseline.wall)} ` +
    `overhead_p50_ms=${fmt(baseline.p50)} overhead_p95_ms=${fmt(baseline.p95)} peak_rss_mb=${fmt(baselineRss / 1024 / 1024)} ` +
    `ratio_p50=${(run.p50 / baseline.p50).toFixed(2)} ratio_p95=${(run.p95 / baseline.p95).toFixed(2)} ` +
    `memory_added_p95_ms=${fmt(run.p95 - baseline.p95)}`,
);
await store.close();
await shared.close();

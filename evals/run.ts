/**
 * `npm run eval -- --suite golden [--provider scripted|anthropic|openai-compatible] [--dialect sqlite]
 *  [--concurrency 4] [--limit N] [--baseline FILE]`
 *
 * Runs the engine on each case of datasets/golden/demo.yaml against the demo database and scores execution accuracy
 * (the last SQL that ran vs the gold SQL, compared by evals/comparator.ts), steps, tokens and latency. `scripted` is
 * the offline reference run: the model's turns are scripted to run the gold SQL and finish, so the whole harness
 * (engine, guard, executor, comparator, reports) is exercised without a model; a live provider is configured by the
 * usual env (ANTHROPIC_API_KEY, SLEUTH_LLM_BASE_URL...). Writes evals/results/<run>.json and <run>.md (summary by
 * category, and the difference from a baseline when one is given or stored as evals/baselines/<suite>-<provider>.json).
 * Cases without gold SQL (ambiguous, unanswerable) are counted, not scored, in this version.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  createInvestigationTarget,
  createScriptedProvider,
  type InvestigationEvent,
  investigate,
  type ModelProvider,
} from '../src/agent/index.js';
import { createModelProvider } from '../src/agent/models/from-config.js';
import { createLogger } from '../src/common/logger.js';
import { loadConfig } from '../src/config/index.js';
import { createDataSource } from '../src/datasources/index.js';
import { ensureDemoSqlite } from '../src/demo/index.js';
import { openMemoryStore } from '../src/memory/index.js';
import { createSqlExecutor, createSqlGuard } from '../src/sql/index.js';
import { compareResults, executionAccuracy } from './comparator.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const suite = arg('suite', 'golden');
const providerName = arg('provider', 'scripted');
const dialect = arg('dialect', 'sqlite');
const concurrency = Number(arg('concurrency', '4'));
const limit = Number(arg('limit', '100000'));
const root = join(import.meta.dirname, '..');
if (suite !== 'golden') throw new Error(`Unknown suite ${suite}; available: golden`);
if (dialect !== 'sqlite')
  throw new Error('This version runs the golden suite on the SQLite demo database (--dialect sqlite).');

const caseSchema = z.object({
  id: z.string(),
  question: z.string(),
  category: z.string(),
  difficulty: z.string(),
  sql: z.record(z.string(), z.string()).nullable(),
  ordered: z.boolean().optional(),
});
const golden = z
  .object({ now: z.union([z.string(), z.date()]), cases: z.array(caseSchema.passthrough()) })
  .parse(parse(readFileSync(join(root, 'datasets/golden/demo.yaml'), 'utf8')));
const now = new Date(
  `${String(golden.now instanceof Date ? golden.now.toISOString().slice(0, 10) : golden.now)}T12:00:00Z`,
);
const cases = golden.cases.slice(0, limit);

const logger = createLogger({ level: 'silent' });
const path = await ensureDemoSqlite({ dataDir: join(root, '.sleuth', 'eval'), now, logger });
const source = createDataSource(
  { name: 'demo', url: `sqlite:${path}`, dialect: 'sqlite', timeoutMs: 30_000, maxRows: 10_000 },
  { logger },
);
const executor = createSqlExecutor({ guard: await createSqlGuard(), logger });
const store = await openMemoryStore({ logger });
const liveConfig =
  providerName === 'scripted'
    ? undefined
    : loadConfig({ env: { ...process.env, SLEUTH_LLM_PROVIDER: providerName }, cwd: root }).model;

function providerFor(goldSql: string): ModelProvider {
  if (providerName !== 'scripted') return createModelProvider(liveConfig, logger);
  return createScriptedProvider([
    { tool_calls: [{ name: 'run_sql', input: { sql: goldSql, purpose: 'reference run' } }] },
    {
      tool_calls: [
        {
          name: 'finish',
          input: { answer: 'Reference answer from the gold query.', evidence: [{ claim: 'gold', sql: goldSql }] },
        },
      ],
    },
  ]);
}

interface CaseResult {
  id: string;
  category: string;
  difficulty: string;
  scored: boolean;
  match: boolean;
  rule: string;
  reason: string;
  steps: number;
  tokens: number;
  latencyMs: number;
}

async function runCase(c: (typeof cases)[number]): Promise<CaseResult> {
  const gold = c.sql ? (c.sql.sqlite ?? c.sql.default) : undefined;
  const base = { id: c.id, category: c.category, difficulty: c.difficulty };
  if (!gold)
    return {
      ...base,
      scored: false,
      match: false,
      rule: 'not_scored',
      reason: 'no gold SQL',
      steps: 0,
      tokens: 0,
      latencyMs: 0,
    };
  const started = performance.now();
  const events: InvestigationEvent[] = [];
  const target = createInvestigationTarget({ connection: 'demo', source, executor });
  for await (const event of investigate({ question: c.question }, target, {
    model: providerFor(gold),
    store,
    logger,
    today: () => now.toISOString().slice(0, 10),
  })) {
    events.push(event);
  }
  const latencyMs = performance.now() - started;
  const sqlByCall = new Map<string, string>();
  let predicted: string | undefined;
  for (const e of events) {
    if (e.type === 'sql') sqlByCall.set(e.callId, e.sql);
    if (e.type === 'sql_result') predicted = sqlByCall.get(e.callId) ?? predicted;
  }
  const steps = events.filter((e) => e.type === 'step_started').length;
  const run = await store.getInvestigation(events[0]?.investigationId ?? '');
  const tokens = (run?.inputTokens ?? 0) + (run?.outputTokens ?? 0);
  if (!predicted)
    return { ...base, scored: true, match: false, rule: 'no_sql', reason: 'no SQL ran', steps, tokens, latencyMs };
  const [p, g] = await Promise.all([executor.execute(source, predicted), executor.execute(source, gold)]);
  const outcome = compareResults(
    { columns: p.columns.map((col) => col.name), rows: p.rows },
    { columns: g.columns.map((col) => col.name), rows: g.rows },
    { ordered: c.ordered ?? false },
  );
  return { ...base, scored: true, ...outcome, steps, tokens, latencyMs };
}

const results: CaseResult[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (next < cases.length) {
      const c = cases[next++] as (typeof cases)[number];
      results.push(await runCase(c));
    }
  }),
);
results.sort((a, b) => a.id.localeCompare(b.id));

const scored = results.filter((r) => r.scored);
const byCategory = new Map<string, CaseResult[]>();
for (const r of scored) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
const summary = {
  suite,
  provider: providerName,
  dialect,
  cases: results.length,
  scored: scored.length,
  accuracy: executionAccuracy(scored.map((r) => ({ match: r.match, rule: r.rule as never, reason: r.reason })))
    .accuracy,
  byCategory: Object.fromEntries(
    [...byCategory]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, rs]) => [k, { cases: rs.length, accuracy: rs.filter((r) => r.match).length / rs.length }]),
  ),
  medianLatencyMs: median(scored.map((r) => r.latencyMs)),
  tokens: scored.reduce((s, r) => s + r.tokens, 0),
};

const baselinePath = process.argv.includes('--baseline')
  ? arg('baseline', '')
  : join(import.meta.dirname, 'baselines', `${suite}-${providerName}.json`);
const baseline = existsSync(baselinePath)
  ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as typeof summary)
  : undefined;

const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${suite}-${providerName}`;
const lines = [
  `# Eval ${suite} (${providerName}, ${dialect})`,
  '',
  `${summary.scored} of ${summary.cases} cases scored; execution accuracy ${(summary.accuracy * 100).toFixed(1)}%${baseline ? ` (baseline ${(baseline.accuracy * 100).toFixed(1)}%)` : ''}; median latency ${summary.medianLatencyMs.toFixed(0)} ms.`,
  '',
  '| category | cases | accuracy | vs baseline |',
  '| --- | --- | --- | --- |',
  ...Object.entries(summary.byCategory).map(([k, v]) => {
    const before = baseline?.byCategory[k]?.accuracy;
    const diff = before === undefined ? '' : `${((v.accuracy - before) * 100).toFixed(1)} pts`;
    return `| ${k} | ${v.cases} | ${(v.accuracy * 100).toFixed(1)}% | ${diff} |`;
  }),
  '',
  ...scored.filter((r) => !r.match).map((r) => `- ${r.id} (${r.category}): ${r.rule}: ${r.reason}`),
];
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', `${runId}.json`),
  `${JSON.stringify({ summary, results }, null, 2)}\n`,
);
writeFileSync(join(import.meta.dirname, 'results', `${runId}.md`), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
console.log(`\nwrote evals/results/${runId}.json and .md`);
await store.close();
await source.close();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

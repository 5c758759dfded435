/**
 * FAQ-tier routing eval (offline, deterministic): runs every question of datasets/faq-routing.yaml through the real
 * knowledge base and FAQ tier on the demo SQLite database (anchored at the dataset's date), and reports precision,
 * recall, ask-back accuracy, parameter-extraction accuracy and latency; then recall@k of schema retrieval over
 * datasets/schema-retrieval.yaml. Exit code 1 when precision < 0.98 or recall < 0.85.
 *
 *   npm run eval:faq                 summary
 *   npm run eval:faq -- --verbose    every miss and wrong answer
 *   npm run eval:faq -- --json       machine-readable report
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { createSleuthContext } from '../src/main.js';

const root = join(import.meta.dirname, '..');
const routingSchema = z.object({
  anchor: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
  connection: z.string(),
  questions: z.array(
    z.object({
      q: z.string(),
      expect: z.string().nullable(),
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      ask_back: z.string().optional(),
    }),
  ),
});
const schemaSetSchema = z.object({
  connection: z.string(),
  questions: z.array(z.object({ q: z.string(), tables: z.array(z.string()) })),
});

const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');

const routing = routingSchema.parse(parse(await readFile(join(root, 'datasets/faq-routing.yaml'), 'utf8')));
const schemaSet = schemaSetSchema.parse(parse(await readFile(join(root, 'datasets/schema-retrieval.yaml'), 'utf8')));

const context = await createSleuthContext({
  env: {
    SLEUTH_NOW: routing.anchor,
    SLEUTH_DATA_DIR: join(root, '.sleuth/eval'),
    SLEUTH_LOG_LEVEL: 'silent',
    SLEUTH_KNOWLEDGE_DIR: join(root, 'knowledge'),
  },
  cwd: root,
});
const kb = await context.knowledge();
await kb.sync();

let predicted = 0;
let truePositive = 0;
let expectedPositive = 0;
let paramChecked = 0;
let paramCorrect = 0;
let askBackExpected = 0;
let askBackCorrect = 0;
let negatives = 0;
let negativesHeld = 0;
const latencies: number[] = [];
const problems: string[] = [];

for (const item of routing.questions) {
  const started = performance.now();
  const outcome = await kb.answerFaq({ question: item.q, connection: routing.connection });
  latencies.push(performance.now() - started);
  const got = outcome.kind === 'miss' ? null : outcome.verifiedQuery.name;
  if (got !== null) predicted += 1;
  if (item.expect !== null) expectedPositive += 1;
  else {
    negatives += 1;
    if (got === null) negativesHeld += 1;
  }
  if (got !== null && got === item.expect) truePositive += 1;
  if (got !== item.expect) {
    const best =
      outcome.kind === 'miss'
        ? outcome.nearest.map((n) => `${n.name}:${n.confidence}`).join(' ')
        : `${outcome.confidence}`;
    problems.push(
      `${got === null ? 'MISS' : item.expect === null ? 'FALSE' : 'WRONG'}  "${item.q}" expected ${item.expect} got ${got} [${best}]`,
    );
    continue;
  }
  if (item.ask_back) {
    askBackExpected += 1;
    if (outcome.kind === 'ask_back' && outcome.parameter === item.ask_back) askBackCorrect += 1;
    else problems.push(`ASKBACK "${item.q}" expected to ask for ${item.ask_back}, got ${outcome.kind}`);
    continue;
  }
  if (item.expect !== null && item.params && Object.keys(item.params).length > 0) {
    paramChecked += 1;
    const filled =
      outcome.kind === 'answered' ? new Map(outcome.parameters.map((p) => [p.name, p.display])) : new Map();
    const wrong = Object.entries(item.params).filter(([name, value]) => filled.get(name) !== String(value));
    if (wrong.length === 0) paramCorrect += 1;
    else
      problems.push(
        `PARAMS  "${item.q}" ${outcome.kind}: ${wrong.map(([n, v]) => `${n} expected ${v} got ${filled.get(n)}`).join(', ')}`,
      );
  }
}

const tableRecall: Record<string, number> = {};
for (const k of [1, 3, 5]) {
  let hits = 0;
  for (const item of schemaSet.questions) {
    const found = (await kb.search(item.q, { connection: schemaSet.connection, limit: k, kinds: ['table'] })).map(
      (h) => h.title,
    );
    if (item.tables.every((t) => found.includes(t))) hits += 1;
  }
  tableRecall[`recall@${k}`] = round(hits / schemaSet.questions.length);
}

latencies.sort((a, b) => a - b);
const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0, 1);
const report = {
  questions: routing.questions.length,
  positives: expectedPositive,
  negatives,
  precision: round(predicted === 0 ? 1 : truePositive / predicted),
  recall: round(truePositive / Math.max(1, expectedPositive)),
  negativesHeld: `${negativesHeld}/${negatives}`,
  parameterAccuracy: round(paramCorrect / Math.max(1, paramChecked)),
  parameterCases: paramChecked,
  askBackAccuracy: round(askBackCorrect / Math.max(1, askBackExpected)),
  askBackCases: askBackExpected,
  latencyMs: { p50: pct(0.5), p95: pct(0.95), max: round(latencies.at(-1) ?? 0, 1) },
  embeddings: kb.embeddingsEnabled ? 'on' : 'off (lexical only)',
  schemaRetrieval: { questions: schemaSet.questions.length, ...tableRecall },
};
await context.close();

if (asJson) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `FAQ routing over ${report.questions} questions (${report.positives} must match, ${report.negatives} must not):`,
  );
  console.log(`  precision ${report.precision}  recall ${report.recall}  negatives held ${report.negativesHeld}`);
  console.log(
    `  parameter accuracy ${report.parameterAccuracy} (${paramChecked} cases)  ask-back accuracy ${report.askBackAccuracy} (${askBackExpected} cases)`,
  );
  console.log(
    `  latency question -> rows: p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms; embeddings ${report.embeddings}`,
  );
  console.log(
    `Schema retrieval over ${schemaSet.questions.length} questions: ${Object.entries(tableRecall)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ')}`,
  );
  if (verbose || problems.length <= 40) for (const p of problems) console.log(`  ${p}`);
}
if (report.precision < 0.98 || report.recall < 0.85) process.exitCode = 1;

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

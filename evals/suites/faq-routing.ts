/**
 * FAQ routing suite (offline, deterministic): every question of datasets/faq-routing.yaml through the real knowledge
 * base and FAQ tier on the demo SQLite database anchored at the dataset's date; schema retrieval recall@k over
 * datasets/schema-retrieval.yaml. Used by `npm run eval:faq` and the CI gate.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { createSleuthContext } from '../../src/main.js';

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

export interface FaqRoutingReport {
  questions: number;
  positives: number;
  negatives: number;
  precision: number;
  recall: number;
  negativesHeld: string;
  parameterAccuracy: number;
  parameterCases: number;
  askBackAccuracy: number;
  askBackCases: number;
  latencyMs: { p50: number; p95: number; max: number };
  embeddings: string;
  schemaRetrieval: Record<string, number>;
  problems: string[];
}

export async function runFaqRoutingSuite(root: string): Promise<FaqRoutingReport> {
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
  return { ...report, schemaRetrieval: report.schemaRetrieval as Record<string, number>, problems };
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

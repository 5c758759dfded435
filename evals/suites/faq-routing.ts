/**
 * FAQ routing suite (offline, deterministic): the tuning part (datasets/faq-routing.yaml) and the frozen test part
 * (datasets/faq-frozen-test.yaml) through the real knowledge base and FAQ tier on the demo SQLite database anchored at
 * the datasets' date, answers checked by their rows (faq-sets.ts); schema retrieval recall@k over
 * datasets/schema-retrieval.yaml. Used by `npm run eval:faq` and the CI gate.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { createSleuthContext } from '../../src/main.js';
import { type FaqSetDeps, type FaqSetReport, loadFaqSet, scoreFaqSet } from './faq-sets.js';

const schemaSetSchema = z.object({
  connection: z.string(),
  questions: z.array(z.object({ q: z.string(), tables: z.array(z.string()) })),
});

export const TUNING_SET = 'datasets/faq-routing.yaml';
export const FROZEN_SET = 'datasets/faq-frozen-test.yaml';

export interface FaqRoutingReport {
  /** The tuning part's scores, flat (kept for the gate's faq.* lines). */
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
  tuning: FaqSetReport;
  /** The frozen test part: measured, never tuned on. */
  frozen: FaqSetReport;
}

/** The real knowledge base and executor on the demo database, anchored at `anchor` (SLEUTH_NOW). */
async function openScoringContext(root: string, anchor: string) {
  const context = await createSleuthContext({
    env: {
      SLEUTH_NOW: anchor,
      SLEUTH_DATA_DIR: join(root, '.sleuth/eval'),
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_KNOWLEDGE_DIR: join(root, 'knowledge'),
    },
    cwd: root,
  });
  const kb = await context.knowledge();
  await kb.sync();
  const deps: FaqSetDeps = {
    kb,
    executor: context.executor,
    // The starter knowledge's "demo" is the demo database unless a connection of that name is configured.
    source: (name: string) =>
      name === 'demo' && !context.config.connections.some((c) => c.name === name)
        ? context.demoSource()
        : context.source(name),
  };
  return { context, kb, deps };
}

/**
 * Scores one FAQ question set file (same format and scoring as the frozen part, e.g. a further held-out set such as
 * datasets/faq-holdout-2.yaml) on its own, anchored at its own `anchor`. `file` is relative to `root` (or absolute).
 */
export async function runFaqSetFile(root: string, file: string): Promise<FaqSetReport> {
  if (isAbsolute(file)) file = relative(root, file);
  const set = await loadFaqSet(root, file);
  const { context, deps } = await openScoringContext(root, set.anchor);
  try {
    return await scoreFaqSet(file, set, deps);
  } finally {
    await context.close();
  }
}

export async function runFaqRoutingSuite(root: string): Promise<FaqRoutingReport> {
  const tuningSet = await loadFaqSet(root, TUNING_SET);
  const frozenSet = await loadFaqSet(root, FROZEN_SET);
  if (tuningSet.anchor !== frozenSet.anchor) throw new Error('the FAQ sets must share one anchor date');
  const schemaSet = schemaSetSchema.parse(parse(await readFile(join(root, 'datasets/schema-retrieval.yaml'), 'utf8')));

  const { context, kb, deps } = await openScoringContext(root, tuningSet.anchor);
  const tuning = await scoreFaqSet(TUNING_SET, tuningSet, deps);
  const frozen = await scoreFaqSet(FROZEN_SET, frozenSet, deps);

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
  const embeddings = kb.embeddingsEnabled ? 'on' : 'off (lexical only)';
  await context.close();
  return {
    questions: tuning.questions,
    positives: tuning.positives,
    negatives: tuning.lookalikes,
    precision: tuning.precision,
    recall: tuning.recall,
    negativesHeld: tuning.lookalikesHeld,
    parameterAccuracy: tuning.parameterAccuracy,
    parameterCases: tuning.parameterCases,
    askBackAccuracy: tuning.askBackAccuracy,
    askBackCases: tuning.askBackCases,
    latencyMs: tuning.latencyMs,
    embeddings,
    schemaRetrieval: { questions: schemaSet.questions.length, ...tableRecall },
    problems: tuning.problems,
    tuning,
    frozen,
  };
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

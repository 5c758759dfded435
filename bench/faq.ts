/**
 * FAQ-tier latency: question -> rows on the demo SQLite database with the starter knowledge (every positive question
 * of datasets/faq-routing.yaml, several rounds, knowledge already loaded), lexical only and with vectors (hashing
 * embedder, embedded index). Then retrieval latency over 10k indexed items: the embedded vector index (384 dims,
 * brute-force cosine) and BM25 over 10k documents. Usage: npm run bench:faq [-- --rounds 3 --items 10000]
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLogger } from '../src/common/logger.js';
import { createDataSource } from '../src/datasources/index.js';
import { ensureDemoSqlite } from '../src/demo/index.js';
import {
  createEmbeddedVectorIndex,
  createHashingEmbedder,
  createKnowledgeBase,
  createLexicalIndex,
  createNormalizer,
} from '../src/knowledge/index.js';
import { openMemoryStore } from '../src/memory/index.js';
import { createSqlExecutor, createSqlGuard } from '../src/sql/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rounds = Number(arg('rounds', '3'));
const items = Number(arg('items', '10000'));
const root = join(import.meta.dirname, '..');
const logger = createLogger({ level: 'silent' });
const anchor = new Date('2026-11-15T12:00:00Z');

const dataset = parse(readFileSync(join(root, 'datasets/faq-routing.yaml'), 'utf8')) as {
  questions: { q: string; expect: string | null }[];
};
const questions = dataset.questions.filter((q) => q.expect !== null).map((q) => q.q);

const path = await ensureDemoSqlite({ dataDir: join(root, '.sleuth/bench'), now: anchor, logger });
const source = createDataSource(
  { name: 'demo', url: `sqlite:${path}`, dialect: 'sqlite', timeoutMs: 30_000, maxRows: 10_000 },
  { logger },
);
const executor = createSqlExecutor({ guard: await createSqlGuard(), logger });
const memory = await openMemoryStore({ logger });

function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2);
}

for (const mode of ['lexical', 'vectors'] as const) {
  const kb = createKnowledgeBase({
    dir: join(root, 'knowledge'),
    memory: memory.knowledge,
    executor,
    source: async () => source,
    defaultConnection: 'demo',
    logger,
    now: () => anchor,
    ...(mode === 'vectors'
      ? { vectorIndex: createEmbeddedVectorIndex(memory.knowledge), embedder: createHashingEmbedder(384) }
      : {}),
  });
  const syncStart = performance.now();
  await kb.sync();
  const syncMs = performance.now() - syncStart;
  const latencies: number[] = [];
  let answered = 0;
  for (let r = 0; r < rounds; r++) {
    for (const question of questions) {
      const started = performance.now();
      const outcome = await kb.answerFaq({ question });
      latencies.push(performance.now() - started);
      if (r === 0 && outcome.kind === 'answered') answered += 1;
    }
  }
  console.log(
    `faq tier (${mode}): ${latencies.length} questions (${answered}/${questions.length} answered per round), question -> rows p50 ${pct(latencies, 0.5)} ms, p95 ${pct(latencies, 0.95)} ms, max ${pct(latencies, 1)} ms; load+check ${syncMs.toFixed(0)} ms`,
  );
}

// Retrieval over 10k items.
const dimension = 384;
const index = createEmbeddedVectorIndex(memory.knowledge);
await index.ensureCollection('doc', dimension);
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31 - 0.5;
};
const rnd = random(42);
const upsertStart = performance.now();
const batch = [];
for (let i = 0; i < items; i++) {
  batch.push({
    id: `doc-${i}`,
    vector: Array.from({ length: dimension }, rnd),
    payload: { itemId: `doc-${i}`, connection: i % 2 === 0 ? 'demo' : 'other' },
  });
}
await index.upsert('doc', batch);
const upsertMs = performance.now() - upsertStart;
const vectorLatencies: number[] = [];
for (let i = 0; i < 200; i++) {
  const query = Array.from({ length: dimension }, rnd);
  const started = performance.now();
  await index.search('doc', query, { limit: 10, connection: 'demo' });
  vectorLatencies.push(performance.now() - started);
}
console.log(
  `embedded vector index: ${items} items x ${dimension} dims (upsert+persist ${upsertMs.toFixed(0)} ms), top-10 search with connection filter p50 ${pct(vectorLatencies, 0.5)} ms, p95 ${pct(vectorLatencies, 0.95)} ms`,
);

const words = [
  'revenue',
  'signup',
  'churn',
  'order',
  'refund',
  'country',
  'channel',
  'product',
  'margin',
  'campaign',
  'ticket',
  'plan',
];
const docs = Array.from({ length: items }, (_v, i) => ({
  id: `d${i}`,
  text:
    Array.from({ length: 20 }, () => words[Math.floor((rnd() + 0.5) * words.length)] ?? 'order').join(' ') +
    ` table_${i}`,
}));
const buildStart = performance.now();
const lexical = createLexicalIndex(docs, createNormalizer());
const buildMs = performance.now() - buildStart;
const lexicalLatencies: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  lexical.search(`${words[i % words.length]} by ${words[(i * 7) % words.length]} last month`, 10);
  lexicalLatencies.push(performance.now() - started);
}
console.log(
  `BM25 lexical index: ${items} documents (build ${buildMs.toFixed(0)} ms), top-10 search p50 ${pct(lexicalLatencies, 0.5)} ms, p95 ${pct(lexicalLatencies, 0.95)} ms`,
);

await memory.close();
await source.close();

/**
 * The knowledge base end to end on real storage: the starter knowledge over the real demo SQLite database, the real
 * guard and read-only executor, the memory store on embedded PGlite (in memory and on disk), the embedded vector
 * index, and the Qdrant adapter against the local Qdrant peer.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import {
  createEmbeddedVectorIndex,
  createHashingEmbedder,
  createKnowledgeBase,
  createLocalEmbedder,
  createQdrantVectorIndex,
  type KnowledgeBase,
  type KnowledgeBaseDeps,
} from '../../../src/knowledge/index.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { createSqlExecutor, createSqlGuard, type SqlExecutor } from '../../../src/sql/index.js';
import { connectionFor, silentLogger } from '../../helpers/databases.js';
import { demoUrl, TEST_DEMO_ANCHOR } from '../../helpers/demo.js';
import { startQdrantPeer } from '../../peers/qdrant-peer.js';

const repoKnowledge = join(import.meta.dirname, '..', '..', '..', 'knowledge');

function copyKnowledge(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sleuth-kb-'));
  cpSync(repoKnowledge, dir, { recursive: true });
  return dir;
}

function sqliteExec(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path);
    db.exec(sql, (error) => db.close(() => (error ? reject(error) : resolve())));
  });
}

describe('knowledge base on the demo database', () => {
  let executor: SqlExecutor;
  let demo: DataSource;
  let memory: MemoryStore;
  const sources: DataSource[] = [];

  beforeAll(async () => {
    executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
    demo = createDataSource(
      { ...connectionFor('sqlite', await demoUrl('sqlite')), name: 'demo' },
      { logger: silentLogger },
    );
    sources.push(demo);
    memory = await openMemoryStore({ logger: silentLogger });
  });
  afterAll(async () => {
    await memory.close();
    for (const s of sources) await s.close();
  });

  function knowledgeBase(overrides: Partial<KnowledgeBaseDeps> = {}): KnowledgeBase {
    return createKnowledgeBase({
      dir: copyKnowledge(),
      memory: memory.knowledge,
      executor,
      source: async () => demo,
      defaultConnection: 'demo',
      logger: silentLogger,
      now: () => TEST_DEMO_ANCHOR,
      ...overrides,
    });
  }

  it('loads the starter set: verified queries, glossary and docs, none stale on the live schema', async () => {
    const kb = knowledgeBase();
    const report = await kb.sync();
    expect(report.verifiedQueries).toBeGreaterThanOrEqual(30);
    expect(report.glossaryTerms).toBeGreaterThanOrEqual(15);
    expect(report.docChunks).toBeGreaterThan(5);
    expect(report.schemaItems).toBeGreaterThanOrEqual(10);
    expect(report.stale).toEqual([]);
    expect(report.vectors).toBe('off');
    const list = await kb.list();
    expect(list.every((q) => q.owner && /^\d{4}-\d{2}-\d{2}$/.test(q.verifiedOn) && q.checkedAt instanceof Date)).toBe(
      true,
    );
  });

  it('answers a common question instantly, with the filled SQL, its parameters and the cited verified query', async () => {
    const kb = knowledgeBase();
    const outcome = await kb.answerFaq({ question: 'How many customers signed up last month?' });
    expect(outcome.kind).toBe('answered');
    if (outcome.kind !== 'answered') return;
    expect(outcome.verifiedQuery.name).toBe('signups_total');
    expect(outcome.sql).toContain("'2026-10-01'");
    expect(outcome.sql).toContain("'2026-11-01'");
    expect(outcome.parameters).toEqual([{ name: 'period', display: '2026-10-01..2026-11-01', source: 'question' }]);
    const direct = await executor.execute(
      demo,
      "SELECT COUNT(*) FROM customers WHERE signup_date >= '2026-10-01' AND signup_date < '2026-11-01'",
    );
    expect(outcome.result.rows[0]?.[0]).toBe(direct.rows[0]?.[0]);
  });

  it('fills an enum named through an alias and a top-N, and asks back for a required period instead of guessing', async () => {
    const kb = knowledgeBase();
    const top = await kb.answerFaq({ question: 'top 3 products by revenue last quarter' });
    expect(top.kind).toBe('answered');
    if (top.kind === 'answered') {
      expect(top.result.rowCount).toBe(3);
      expect(top.parameters).toContainEqual({ name: 'limit', display: '3', source: 'question' });
    }
    const askBack = await kb.answerFaq({ question: 'What was our gross margin?' });
    expect(askBack).toMatchObject({ kind: 'ask_back', parameter: 'period' });
    if (askBack.kind === 'ask_back') expect(askBack.prompt).toMatch(/Which period/);
  });

  it('sends questions no verified query answers to the agent', async () => {
    const kb = knowledgeBase();
    for (const question of [
      'Why did churn spike in March compared to February?',
      'Forecast next quarter revenue',
      'Compare signups last month and this month',
    ]) {
      expect((await kb.answerFaq({ question })).kind, question).toBe('miss');
    }
  });

  it('keeps quotes in a question inside one SQL literal: injection attempts through a text parameter run harmlessly', async () => {
    const kb = knowledgeBase();
    // The query runs with the quote inside the LIKE literal and finds no product; an injection that broke out of
    // the literal would match every product and be answered. Finding nothing goes to the agent.
    const outcome = await kb.answerFaq({ question: `Sales of products named "x' OR '1'='1" last month` });
    expect(outcome).toMatchObject({ kind: 'miss', reason: expect.stringMatching(/found no data/) });
    // the same fill with a term that matches shows the literal as it runs
    const found = await kb.answerFaq({ question: `Sales of products named "lantern' OR '1'='1" last month` });
    expect(found.kind).toBe('miss');
    const plain = await kb.answerFaq({ question: 'Sales of products named lantern last month' });
    expect(plain.kind).toBe('answered');
    if (plain.kind !== 'answered') return;
    expect(plain.sql).toContain("'%lantern%'");
  });

  it('marks a verified query that no longer fits the schema stale, and never serves it', async () => {
    const dir = copyKnowledge();
    writeFileSync(
      join(dir, 'verified', 'broken_query.yaml'),
      [
        'name: broken_query',
        'description: Counts zebras (the column does not exist).',
        'questions: [How many zebras do we have?]',
        'connection: demo',
        'owner: nobody',
        'verified_on: 2026-01-01',
        'sql: SELECT COUNT(zebra_count) AS zebras FROM customers',
      ].join('\n'),
    );
    const kb = knowledgeBase({ dir });
    const report = await kb.sync();
    expect(report.stale).toEqual([{ name: 'broken_query', reason: expect.stringMatching(/SQL_ERROR.*zebra_count/) }]);
    expect((await kb.list()).find((q) => q.name === 'broken_query')).toMatchObject({ stale: true });
    expect(await kb.answerFaq({ question: 'How many zebras do we have?' })).toMatchObject({ kind: 'miss' });
    expect(await kb.suggestedQuestions(100)).not.toContain('How many zebras do we have?');
  });

  it('re-checks when the schema changes: a query on a dropped table becomes stale', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'sleuth-kb-db-'));
    const path = join(dbDir, 'demo.sqlite');
    copyFileSync((await demoUrl('sqlite')).replace(/^sqlite:/, ''), path);
    await sqliteExec(
      path,
      "CREATE TABLE promotions (id INTEGER PRIMARY KEY, code TEXT); INSERT INTO promotions VALUES (1, 'X');",
    );
    const source = createDataSource(
      { ...connectionFor('sqlite', `sqlite:${path}`), name: 'demo' },
      { logger: silentLogger },
    );
    sources.push(source);
    const dir = copyKnowledge();
    writeFileSync(
      join(dir, 'verified', 'promotion_count.yaml'),
      'name: promotion_count\ndescription: Number of promotions.\nquestions: [How many promotions exist?]\nconnection: demo\nowner: growth\nverified_on: 2026-11-01\nanswers:\n  measures: [discounts]\nsql: SELECT COUNT(*) AS promotions FROM promotions\n',
    );
    const store = await openMemoryStore({ logger: silentLogger });
    try {
      const kb = knowledgeBase({ dir, source: async () => source, memory: store.knowledge });
      expect((await kb.sync()).stale).toEqual([]);
      expect(await kb.answerFaq({ question: 'How many promotions exist?' })).toMatchObject({ kind: 'answered' });
      expect(await kb.recheckIfSchemaChanged('demo')).toEqual([]);
      await sqliteExec(path, 'DROP TABLE promotions;');
      expect(await kb.recheckIfSchemaChanged('demo')).toEqual(['promotion_count']);
      expect(await kb.answerFaq({ question: 'How many promotions exist?' })).toMatchObject({ kind: 'miss' });
    } finally {
      await store.close();
    }
  });

  it('turns "helpful" feedback into a proposal an admin confirms into a knowledge file that the FAQ tier then serves', async () => {
    const dir = copyKnowledge();
    const kb = knowledgeBase({ dir });
    const proposal = await kb.proposeVerifiedQuery({
      question: 'Which product has the longest name?',
      sql: 'SELECT name, LENGTH(name) AS characters FROM products ORDER BY characters DESC, name LIMIT 1',
      connection: 'demo',
      proposedBy: 'U123',
      note: 'exactly right',
    });
    expect(proposal.status).toBe('pending');
    expect((await kb.listProposals()).map((p) => p.id)).toContain(proposal.id);
    expect((await kb.answerFaq({ question: 'Which product has the longest name?' })).kind).toBe('miss');
    const file = await kb.confirmProposal(proposal.id, {
      name: 'longest_product_name',
      owner: 'sales-ops',
      decidedBy: 'admin',
    });
    expect(file).toBe(join(dir, 'verified', 'longest_product_name.yaml'));
    expect(readFileSync(file, 'utf8')).toMatch(/questions:\n\s+- Which product has the longest name\?/);
    const answered = await kb.answerFaq({ question: 'Which product has the longest name?' });
    expect(answered).toMatchObject({ kind: 'answered', verifiedQuery: { name: 'longest_product_name' } });
    expect((await kb.listProposals()).find((p) => p.id === proposal.id)?.status).toBe('confirmed');
    await expect(kb.confirmProposal(proposal.id, { name: 'again', owner: 'x' })).rejects.toThrow(/already confirmed/);
  });

  it('searches glossary, docs and tables for the agent', async () => {
    const kb = knowledgeBase();
    const mrr = await kb.search('What is MRR?', { kinds: ['doc'] });
    expect(mrr[0]?.title).toMatch(/MRR/i);
    const tables = await kb.search('How many customers signed up by country?', { kinds: ['table'], limit: 3 });
    expect(tables.map((t) => t.title)).toEqual(expect.arrayContaining(['customers', 'countries']));
    const verified = await kb.search('revenue by month', { kinds: ['verified_query'], limit: 1 });
    expect(verified[0]).toMatchObject({
      kind: 'verified_query',
      title: 'revenue_by_month',
      sql: expect.stringMatching(/SELECT/i),
    });
  });

  it('runs lexical-only when the embeddings model is missing, saying so once', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const kb = knowledgeBase({
      logger,
      vectorIndex: createEmbeddedVectorIndex(memory.knowledge),
      embedder: createLocalEmbedder({
        modelDir: join(tmpdir(), 'no-such-model-dir'),
        model: 'Xenova/bge-small-en-v1.5',
      }),
    });
    const report = await kb.sync();
    expect(report.vectors).toBe('off');
    expect(kb.embeddingsEnabled).toBe(false);
    expect(await kb.answerFaq({ question: 'How many customers signed up last month?' })).toMatchObject({
      kind: 'answered',
    });
    const warnings = lines.filter((l) => l.includes('embeddings unavailable'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/SLEUTH_EMBEDDINGS_DIR|does not exist/);
  });

  it('indexes vectors in the embedded index, persisted in the memory store across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-kb-mem-'));
    const embedder = createHashingEmbedder(128);
    let store = await openMemoryStore({ logger: silentLogger, dataDir });
    let points = 0;
    try {
      const kb = knowledgeBase({
        memory: store.knowledge,
        vectorIndex: createEmbeddedVectorIndex(store.knowledge),
        embedder,
      });
      const report = await kb.sync();
      expect(report.vectors).toMatchObject({ index: 'embedded', embedder: 'hashing-128' });
      points = report.vectors === 'off' ? 0 : report.vectors.points;
      expect(points).toBeGreaterThan(100);
      expect(kb.embeddingsEnabled).toBe(true);
      expect(await kb.answerFaq({ question: 'How many customers signed up last month?' })).toMatchObject({
        kind: 'answered',
        verifiedQuery: { name: 'signups_total' },
      });
    } finally {
      await store.close();
    }
    store = await openMemoryStore({ logger: silentLogger, dataDir });
    try {
      const index = createEmbeddedVectorIndex(store.knowledge);
      const ids = [
        ...(await index.listIds('verified_query')),
        ...(await index.listIds('doc')),
        ...(await index.listIds('schema')),
      ];
      expect(ids).toHaveLength(points);
      const [vector] = await embedder.embed(['How many customers signed up last month?']);
      const hits = await index.search('verified_query', vector as number[], { limit: 3, connection: 'demo' });
      expect(hits[0]?.payload.itemId).toBe('signups_total');
      expect(await index.search('verified_query', vector as number[], { limit: 3, connection: 'elsewhere' })).toEqual(
        [],
      );
    } finally {
      await store.close();
    }
  });

  it('uses Qdrant when configured: collections per kind created at sync, points upserted, searched with the connection filter', async () => {
    const peer = await startQdrantPeer();
    try {
      const kb = knowledgeBase({
        vectorIndex: createQdrantVectorIndex({ url: peer.url, logger: silentLogger }),
        embedder: createHashingEmbedder(64),
      });
      const report = await kb.sync();
      expect(report.vectors).toMatchObject({ index: 'qdrant' });
      const paths = peer.requests.map((r) => `${r.method} ${r.path}`);
      for (const kind of ['verified_query', 'doc', 'schema']) {
        expect(paths).toContain(`PUT /collections/sleuth_${kind}`);
      }
      expect(paths.some((p) => /^PUT \/collections\/sleuth_verified_query\/points/.test(p))).toBe(true);
      const before = peer.requests.length;
      expect(await kb.answerFaq({ question: 'revenue by month this year' })).toMatchObject({
        kind: 'answered',
        verifiedQuery: { name: 'revenue_by_month' },
      });
      const queries = peer.requests.slice(before).filter((r) => /points\/(query|search)$/.test(r.path));
      expect(queries.length).toBeGreaterThan(0);
      expect(JSON.stringify(queries[0]?.body)).toContain('"demo"');
    } finally {
      await peer.close();
    }
  });
});

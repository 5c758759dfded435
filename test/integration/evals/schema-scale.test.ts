/**
 * The large-schema retrieval set: at least 500 tables across several domains with foreign keys and look-alikes, at
 * least 150 questions with the tables each needs, split into a dev and a frozen half; loaded into real SQLite and
 * measured through the knowledge base.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaleDdl, scaleQuestions, scaleTables } from '../../../evals/schema-scale/generate.js';
import { isFrozen, measureScaleRecall } from '../../../evals/schema-scale/run.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('generated warehouse schema', () => {
  it('has 500 tables in 10 domains, foreign keys and look-alikes, and 150+ questions over real tables', () => {
    const tables = scaleTables();
    const names = new Set(tables.map((t) => t.name));
    expect(tables.length).toBeGreaterThanOrEqual(500);
    expect(new Set(tables.map((t) => t.domain)).size).toBe(10);
    for (const alike of ['orders', 'order_items', 'orders_archive', 'stg_orders']) expect(names.has(alike)).toBe(true);
    expect(tables.flatMap((t) => t.columns.filter((c) => c.references)).length).toBeGreaterThan(50);
    const questions = scaleQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(150);
    for (const q of questions) for (const t of q.tables) expect(names.has(t), `${q.id} needs ${t}`).toBe(true);
    const frozen = questions.filter(isFrozen).length;
    expect(frozen).toBeGreaterThan(questions.length * 0.35);
    expect(frozen).toBeLessThan(questions.length * 0.65);
    expect(scaleDdl('postgres')[0]).toMatch(/^CREATE TABLE \w+ \(id INTEGER PRIMARY KEY/);
  });

  it('loads into SQLite and reports recall@5 and recall@10 on both halves', async () => {
    const r = await measureScaleRecall(ROOT, 'sqlite');
    expect(r.tables).toBe(500);
    for (const half of [r.dev, r.frozen]) {
      expect(half['recall@10']).toBeGreaterThanOrEqual(half['recall@5']);
      expect(half['recall@5']).toBeGreaterThan(0.5);
    }
  }, 180_000);
});

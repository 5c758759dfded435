/**
 * Structure of the held-out FAQ question set datasets/faq-holdout-2.yaml, checked WITHOUT the FAQ matcher: every
 * expectation names a verified query, every parameter exists with a valid value (enum values as stored in the demo
 * data, numbers in range, ranges well formed), look-alikes and ask-backs are well formed, and every positive's expected
 * query runs on the demo data with its parameters through the scorer's own reference execution (expectedParameters +
 * fillSql + the executor), the way `npm run eval:faq -- --set datasets/faq-holdout-2.yaml` will run it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedParameters, type FaqSet, loadFaqSet } from '../../../evals/suites/faq-sets.js';
import type { DataSource } from '../../../src/datasources/index.js';
import { fillSql, type LoadedVerifiedQuery, loadKnowledgeFiles } from '../../../src/knowledge/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';

const ROOT = join(import.meta.dirname, '../../..');
const FILE = 'datasets/faq-holdout-2.yaml';
const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

let set: FaqSet;
let queries: Map<string, LoadedVerifiedQuery>;
let dir = '';
let context: SleuthContext | undefined;
let demo: DataSource;

beforeAll(async () => {
  set = await loadFaqSet(ROOT, FILE);
  queries = new Map((await loadKnowledgeFiles(join(ROOT, 'knowledge'))).verifiedQueries.map((q) => [q.name, q]));
  dir = await mkdtemp(join(tmpdir(), 'sleuth-faq-holdout-'));
  context = await createSleuthContext({
    env: {
      SLEUTH_NOW: set.anchor,
      SLEUTH_DATA_DIR: dir,
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_KNOWLEDGE_DIR: join(ROOT, 'knowledge'),
    },
    cwd: dir,
  });
  demo = await context.demoSource();
});

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const positives = () => set.questions.filter((i) => i.expect !== null && !i.ask_back);
const lookalikes = () => set.questions.filter((i) => i.expect === null);
const askBacks = () => set.questions.filter((i) => i.ask_back !== undefined);

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function isDay(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

async function distinctValues(column: string): Promise<string[]> {
  const [table, col] = column.split('.') as [string, string];
  const result = await context?.executor.execute(
    demo,
    `SELECT DISTINCT ${col} FROM ${table} WHERE ${col} IS NOT NULL`,
    {
      limits: { maxRows: 1000 },
    },
  );
  return (result?.rows ?? []).map((r) => String(r[0]));
}

describe(`held-out FAQ set ${FILE}`, () => {
  it('shares the frozen set anchor and history start, on the demo connection', async () => {
    const frozen = await loadFaqSet(ROOT, 'datasets/faq-frozen-test.yaml');
    expect(set.anchor).toBe(frozen.anchor);
    expect(set.history_start).toBe(frozen.history_start);
    expect(set.connection).toBe('demo');
  });

  it('is big enough: 100+ positives over 35+ verified queries, at least as many look-alikes, some ask-backs', () => {
    expect(positives().length).toBeGreaterThanOrEqual(100);
    expect(new Set(positives().map((i) => i.expect)).size).toBeGreaterThanOrEqual(35);
    expect(lookalikes().length).toBeGreaterThanOrEqual(positives().length);
    expect(askBacks().length).toBeGreaterThanOrEqual(5);
    const variants = positives().filter((i) => i.variant);
    expect(variants.filter((i) => i.variant === 'slack').length).toBeGreaterThanOrEqual(positives().length * 0.2);
    expect(variants.filter((i) => i.variant === 'typo').length).toBeGreaterThanOrEqual(positives().length * 0.08);
  });

  it('has no question twice', () => {
    const seen = new Set<string>();
    const twice = set.questions.map((i) => i.q.trim().toLowerCase()).filter((q) => seen.has(q) || !seen.add(q));
    expect(twice).toEqual([]);
  });

  it('gives every item one role: positive, look-alike (with its change) or ask-back', () => {
    const bad: string[] = [];
    for (const item of set.questions) {
      if (item.expect === null) {
        if (!item.change) bad.push(`${item.q}: a look-alike needs change`);
        if (item.params || item.ask_back) bad.push(`${item.q}: a look-alike has no params or ask_back`);
      } else {
        if (item.change) bad.push(`${item.q}: change is for look-alikes only`);
        if (!queries.has(item.expect)) bad.push(`${item.q}: no verified query ${item.expect}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('asks back only for a parameter the expected query has', () => {
    const bad = askBacks().flatMap((item) => {
      const query = queries.get(item.expect ?? '');
      return query && item.ask_back && query.parameters[item.ask_back] ? [] : [`${item.q}: ${item.ask_back}`];
    });
    expect(bad).toEqual([]);
  });

  it('names only parameters the expected query has, with valid values', async () => {
    const bad: string[] = [];
    const upperEnd = addDays(set.anchor, 1);
    for (const item of set.questions) {
      const query = item.expect ? queries.get(item.expect) : undefined;
      if (!query) continue;
      for (const [name, value] of Object.entries(item.params ?? {})) {
        const def = query.parameters[name];
        const where = `${item.q}: ${query.name}.${name}=${value}`;
        if (!def) {
          bad.push(`${where}: no such parameter`);
          continue;
        }
        switch (def.type) {
          case 'date_range': {
            if (value === 'all') break;
            const m = RANGE.exec(String(value));
            if (!m || !isDay(m[1] as string) || !isDay(m[2] as string)) bad.push(`${where}: not start..end`);
            else if ((m[1] as string) >= (m[2] as string)) bad.push(`${where}: empty range`);
            else if ((m[2] as string) > upperEnd) bad.push(`${where}: ends after the anchor's day`);
            break;
          }
          case 'enum': {
            const allowed = def.values ?? (def.values_from ? await distinctValues(def.values_from) : []);
            if (!allowed.includes(String(value))) bad.push(`${where}: not one of ${allowed.join(', ')}`);
            break;
          }
          case 'number':
            if (!Number.isInteger(value) || (value as number) < def.min || (value as number) > def.max)
              bad.push(`${where}: not an integer in ${def.min}..${def.max}`);
            break;
          case 'text':
            if (typeof value !== 'string' || value.length === 0 || value.length > def.max_length)
              bad.push(`${where}: bad text`);
            else if (!item.q.toLowerCase().includes(value.toLowerCase())) bad.push(`${where}: not as written`);
            break;
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("runs every positive's expected query on the demo data with its parameters (the scorer's reference run)", async () => {
    const failures: string[] = [];
    const ctx = { anchor: set.anchor, historyStart: set.history_start ?? '1900-01-01' };
    for (const item of positives()) {
      const query = queries.get(item.expect ?? '') as LoadedVerifiedQuery;
      try {
        const { parameters, enums } = expectedParameters(query, item, new Map(), ctx);
        const sql = fillSql(query.sql, query.parameters, parameters, demo.dialect, enums);
        const result = await context?.executor.execute(demo, sql, { limits: { maxRows: 1000 } });
        if (!result || result.columns.length === 0 || result.rows.length === 0)
          failures.push(`${item.q}: ${query.name} returned no rows`);
      } catch (error) {
        failures.push(`${item.q}: ${query.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

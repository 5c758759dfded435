/**
 * Scores one FAQ question set (datasets/faq-routing.yaml, the tuning part, or datasets/faq-frozen-test.yaml, the
 * frozen test part) through the real knowledge base on the demo database, and checks the answer ROWS, not only the
 * verified query's name: an instant answer is right only when its verified query is the expected one AND its rows
 * equal the rows of the expected verified query run through the same executor with the expected parameters
 * (definition defaults for the rest).
 *
 * Scores (each over its own denominator):
 * - precision: right instant answers / all instant answers (positives, ask-back cases and look-alikes alike)
 * - recall: positives answered right (query and rows) / positives (expect set, no ask_back)
 * - lookalikes kept away: look-alikes not answered / look-alikes (a miss; for `change: period` an ask-back too)
 * - ask-back accuracy: ask_back cases answered with an ask-back for the expected query and parameter
 * - parameter accuracy: positives answered with the right query whose listed parameters display as expected
 *
 * `period: all` (the whole history) accepts the engine's representation: a date range starting on or before the
 * dataset's `history_start` and ending after the anchor, or a display of "all", "all time" or "whole history".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { DataSource } from '../../src/datasources/index.js';
import {
  type DateRange,
  type FaqOutcome,
  fillSql,
  type KnowledgeBase,
  type LoadedVerifiedQuery,
  parsePeriod,
} from '../../src/knowledge/index.js';
import type { SqlExecutor } from '../../src/sql/index.js';

const isoDay = z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v));

export const faqSetSchema = z.object({
  anchor: isoDay,
  /** First day of demo data; `period: all` must start on or before it. */
  history_start: isoDay.optional(),
  connection: z.string(),
  questions: z.array(
    z.object({
      q: z.string(),
      expect: z.string().nullable(),
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      ask_back: z.string().optional(),
      change: z.enum(['metric', 'dimension', 'filter', 'ranking', 'population', 'list', 'period']).optional(),
      variant: z.enum(['slack', 'typo']).optional(),
    }),
  ),
});
export type FaqSet = z.infer<typeof faqSetSchema>;
type Item = FaqSet['questions'][number];

export interface FaqSetReport {
  file: string;
  questions: number;
  positives: number;
  lookalikes: number;
  askBackCases: number;
  variants: number;
  answered: number;
  answeredRight: number;
  precision: number;
  recall: number;
  lookalikesKeptAway: number;
  lookalikesHeld: string;
  askBackAccuracy: number;
  parameterAccuracy: number;
  parameterCases: number;
  /** Right query, wrong rows (counted wrong in precision and recall). */
  rowMismatches: number;
  /** Recall on the Slack-style / misspelled positives alone. */
  variantRecall: number;
  latencyMs: { p50: number; p95: number; max: number };
  problems: string[];
}

export interface FaqSetDeps {
  kb: KnowledgeBase;
  executor: Pick<SqlExecutor, 'execute'>;
  source: (connection: string) => Promise<DataSource>;
}

export async function loadFaqSet(root: string, file: string): Promise<FaqSet> {
  return faqSetSchema.parse(parse(await readFile(join(root, file), 'utf8')));
}

export async function scoreFaqSet(file: string, set: FaqSet, deps: FaqSetDeps): Promise<FaqSetReport> {
  const queries = new Map((await deps.kb.files()).verifiedQueries.map((q) => [q.name, q]));
  const source = await deps.source(set.connection);
  const anchor = set.anchor;
  const historyStart = set.history_start ?? '1900-01-01';
  const problems: string[] = [];
  const latencies: number[] = [];
  const c = {
    answered: 0,
    answeredRight: 0,
    positives: 0,
    positivesRight: 0,
    lookalikes: 0,
    keptAway: 0,
    askBack: 0,
    askBackRight: 0,
    paramCases: 0,
    paramRight: 0,
    rowMismatches: 0,
    variants: 0,
    variantPositives: 0,
    variantRight: 0,
  };

  for (const item of set.questions) {
    const expected = item.expect === null ? null : queries.get(item.expect);
    if (item.expect !== null && !expected) {
      problems.push(`DATASET "${item.q}": no verified query ${item.expect}`);
      continue;
    }
    if (item.variant) c.variants += 1;
    const started = performance.now();
    const outcome = await deps.kb.answerFaq({ question: item.q, connection: set.connection });
    latencies.push(performance.now() - started);
    const got = outcome.kind === 'miss' ? null : outcome.verifiedQuery.name;
    const tag =
      outcome.kind === 'miss'
        ? `miss [${outcome.nearest.map((n) => `${n.name}:${n.confidence}`).join(' ')}]`
        : `${outcome.kind} ${got}`;

    let answerRight = false;
    if (outcome.kind === 'answered' && expected && !item.ask_back && got === item.expect) {
      const check = await checkAnswer(outcome, expected, item, {
        anchor,
        historyStart,
        source,
        executor: deps.executor,
      });
      if (check.dataset) problems.push(`DATASET "${item.q}": ${check.dataset}`);
      answerRight = check.rows;
      if (!check.rows) {
        c.rowMismatches += 1;
        problems.push(`ROWS    "${item.q}" ${got} (${paramsOf(outcome)}): ${check.diff}`);
      }
      if (item.params && Object.keys(item.params).length > 0) {
        c.paramCases += 1;
        if (check.wrongParams.length === 0) c.paramRight += 1;
        else problems.push(`PARAMS  "${item.q}": ${check.wrongParams.join(', ')}`);
      }
    }
    if (outcome.kind === 'answered') {
      c.answered += 1;
      if (answerRight) c.answeredRight += 1;
    }

    if (item.expect === null) {
      c.lookalikes += 1;
      const kept = outcome.kind === 'miss' || (outcome.kind === 'ask_back' && item.change === 'period');
      if (kept) c.keptAway += 1;
      else problems.push(`FALSE   "${item.q}" (${item.change ?? 'look-alike'}) got ${tag}`);
    } else if (item.ask_back) {
      c.askBack += 1;
      if (outcome.kind === 'ask_back' && got === item.expect && outcome.parameter === item.ask_back)
        c.askBackRight += 1;
      else problems.push(`ASKBACK "${item.q}" expected ask-back ${item.expect}.${item.ask_back}, got ${tag}`);
    } else {
      c.positives += 1;
      if (item.variant) c.variantPositives += 1;
      if (answerRight) {
        c.positivesRight += 1;
        if (item.variant) c.variantRight += 1;
      } else if (got !== item.expect || outcome.kind !== 'answered') {
        problems.push(`${got === null ? 'MISS ' : 'WRONG'}   "${item.q}" expected ${item.expect}, got ${tag}`);
      }
    }
  }

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0, 1);
  return {
    file,
    questions: set.questions.length,
    positives: c.positives,
    lookalikes: c.lookalikes,
    askBackCases: c.askBack,
    variants: c.variants,
    answered: c.answered,
    answeredRight: c.answeredRight,
    precision: round(c.answered === 0 ? 1 : c.answeredRight / c.answered),
    recall: round(c.positivesRight / Math.max(1, c.positives)),
    lookalikesKeptAway: round(c.lookalikes === 0 ? 1 : c.keptAway / c.lookalikes),
    lookalikesHeld: `${c.keptAway}/${c.lookalikes}`,
    askBackAccuracy: round(c.askBack === 0 ? 1 : c.askBackRight / c.askBack),
    parameterAccuracy: round(c.paramCases === 0 ? 1 : c.paramRight / c.paramCases),
    parameterCases: c.paramCases,
    rowMismatches: c.rowMismatches,
    variantRecall: round(c.variantPositives === 0 ? 1 : c.variantRight / c.variantPositives),
    latencyMs: { p50: pct(0.5), p95: pct(0.95), max: round(latencies.at(-1) ?? 0, 1) },
    problems,
  };
}

interface CheckContext {
  anchor: string;
  historyStart: string;
  source: DataSource;
  executor: Pick<SqlExecutor, 'execute'>;
}

type Answered = Extract<FaqOutcome, { kind: 'answered' }>;

/** Runs the expected query with the expected parameters and compares its rows (and columns) with the answer's. */
async function checkAnswer(
  outcome: Answered,
  query: LoadedVerifiedQuery,
  item: Item,
  ctx: CheckContext,
): Promise<{ rows: boolean; diff: string; wrongParams: string[]; dataset?: string }> {
  const shown = new Map(outcome.parameters.map((p) => [p.name, p.display]));
  const wrongParams: string[] = [];
  for (const [name, value] of Object.entries(item.params ?? {})) {
    const display = shown.get(name);
    if (!parameterMatches(value, display, ctx)) wrongParams.push(`${name} expected ${value} got ${display}`);
  }
  let expectedParams: ReturnType<typeof expectedParameters>;
  try {
    expectedParams = expectedParameters(query, item, shown, ctx);
  } catch (error) {
    return { rows: false, diff: 'expected parameters unusable', wrongParams, dataset: (error as Error).message };
  }
  const sql = fillSql(query.sql, query.parameters, expectedParams.parameters, ctx.source.dialect, expectedParams.enums);
  const want = await ctx.executor.execute(ctx.source, sql, { limits: { maxRows: 1000 } });
  const diff = compareResults(
    { columns: outcome.result.columns.map((col) => col.name), rows: outcome.result.rows },
    { columns: want.columns.map((col) => col.name), rows: want.rows },
  );
  return { rows: diff === null, diff: diff ?? '', wrongParams };
}

/** The parameters the expected query runs with: the dataset's values, else the definition's defaults. */
export function expectedParameters(
  query: LoadedVerifiedQuery,
  item: Item,
  shown: ReadonlyMap<string, string>,
  ctx: { anchor: string; historyStart: string },
) {
  const parameters: Parameters<typeof fillSql>[2][number][] = [];
  const enums = new Map<string, readonly string[]>();
  for (const [name, def] of Object.entries(query.parameters)) {
    const given = item.params?.[name];
    switch (def.type) {
      case 'date_range': {
        let range: DateRange | null;
        if (given === 'all') {
          const engine = parseRange(shown.get(name));
          range = engine && wholeHistory(engine, ctx) ? engine : { start: '1900-01-01', end: addDays(ctx.anchor, 1) };
        } else if (given !== undefined) range = parseRange(String(given));
        else range = def.default ? defaultPeriod(def.default, ctx.anchor) : null;
        if (!range) throw new Error(`no period for ${query.name}.${name} (required, or a bad range)`);
        parameters.push({ name, value: { type: 'date_range', range }, source: 'question' });
        break;
      }
      case 'number': {
        const value = given ?? def.default;
        if (value === undefined) throw new Error(`no value for ${query.name}.${name}`);
        parameters.push({ name, value: { type: 'number', value: Number(value) }, source: 'question' });
        break;
      }
      case 'enum':
      case 'text': {
        const value = given ?? def.default;
        if (value === undefined) throw new Error(`no value for ${query.name}.${name}`);
        parameters.push({ name, value: { type: def.type, value: String(value) }, source: 'question' });
        if (def.type === 'enum') enums.set(name, [String(value)]);
        break;
      }
    }
  }
  return { parameters, enums };
}

function parameterMatches(expected: string | number, display: string | undefined, ctx: CheckContext): boolean {
  if (display === undefined) return false;
  if (expected === 'all') {
    if (/^(all|all time|whole history)\b/i.test(display.trim())) return true;
    const range = parseRange(display);
    return range !== null && wholeHistory(range, ctx);
  }
  const want = parseRange(String(expected));
  if (want) {
    // The engine may decorate a range ("2026-11-01..2026-11-16 (to date)"): compare the range it shows.
    const got = parseRange(display);
    return got !== null && got.start === want.start && got.end === want.end;
  }
  return display === String(expected) || display.toLowerCase() === String(expected).toLowerCase();
}

function wholeHistory(range: DateRange, ctx: { anchor: string; historyStart: string }): boolean {
  return range.start <= ctx.historyStart && range.end > ctx.anchor;
}

function parseRange(text: string | undefined): DateRange | null {
  const m = /(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})/.exec(text ?? '');
  return m ? { start: m[1] as string, end: m[2] as string } : null;
}

/**
 * A definition's default period, computed here rather than by the engine under test for the phrases verified queries
 * use ("last N days": the N whole days before today; "last N months": whole calendar months; "last month"). Anything
 * else falls back to the engine's own parser.
 */
export function defaultPeriod(phrase: string, anchor: string): DateRange | null {
  const text = phrase.trim().toLowerCase();
  const days = /^last (\d+) days$/.exec(text);
  if (days) return { start: addDays(anchor, -Number(days[1])), end: anchor };
  const months = /^last (\d+) months$/.exec(text) ?? (text === 'last month' ? ['', '1'] : null);
  if (months) {
    const [y, m] = anchor.split('-').map(Number) as [number, number];
    const end = new Date(Date.UTC(y, m - 1, 1));
    const start = new Date(Date.UTC(y, m - 1 - Number(months[1]), 1));
    return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
  }
  return parsePeriod(phrase, new Date(`${anchor}T12:00:00Z`));
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Null when equal; else a short readable difference. Numbers compare exactly after JSON normalisation. */
export function compareResults(
  got: { columns: readonly string[]; rows: readonly (readonly unknown[])[] },
  want: { columns: readonly string[]; rows: readonly (readonly unknown[])[] },
): string | null {
  if (got.columns.join(',') !== want.columns.join(',')) {
    return `columns [${got.columns.join(', ')}] != expected [${want.columns.join(', ')}]`;
  }
  if (got.rows.length !== want.rows.length) return `${got.rows.length} rows != expected ${want.rows.length}`;
  for (let i = 0; i < want.rows.length; i++) {
    const a = JSON.stringify(normalise(got.rows[i] ?? []));
    const b = JSON.stringify(normalise(want.rows[i] ?? []));
    if (a !== b) return `row ${i + 1}: ${a.slice(0, 160)} != expected ${b.slice(0, 160)}`;
  }
  return null;
}

function normalise(row: readonly unknown[]): unknown[] {
  return row.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v));
}

function paramsOf(outcome: Answered): string {
  return outcome.parameters.map((p) => `${p.name}=${p.display}`).join(', ');
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * The golden question set (datasets/golden/demo.yaml) against the three real demo databases.
 *
 * Every case must be well-formed (zod), the categories must be covered, and every gold query must be allowed by the
 * SQL guard, run through the real read-only path (guard + executor + adapter) on SQLite, PostgreSQL and MariaDB,
 * return rows, and give the same answer on all three: same columns, same row count and the same values after
 * normalising (numbers to 2 decimals with a small tolerance, dates and timestamps as ISO text, NULL = NULL), in order
 * only when the case says `ordered: true`, otherwise as multisets. A disagreement means the gold SQL is not portable:
 * fix the SQL or add a per-dialect variant, not the comparison. Investigation facts must appear in the gold result.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import {
  createSqlExecutor,
  createSqlGuard,
  type QueryResult,
  type SqlDialect,
  type SqlExecutor,
  type SqlGuard,
} from '../../../src/sql/index.js';
import { connectionFor, DIALECTS, silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

const DATASET_PATH = new URL('../../../datasets/golden/demo.yaml', import.meta.url);

const CATEGORIES = [
  'single_table_aggregate',
  'filter',
  'join',
  'time_window',
  'ranking',
  'ratio_percentage',
  'cohort',
  'multi_step_investigation',
  'ambiguous',
  'unanswerable',
] as const;
const STORIES = ['viral_campaign_churn', 'europe_refund_surge', 'negative_margin_product'] as const;
const MIN_CASES = 150;
const MIN_PER_CATEGORY = 12;
/** Two numbers agree when they are equal to 2 decimals, give or take one cent of rounding (float vs decimal). */
const NUMBER_TOLERANCE = 0.0100001;

const sqlText = z.string().trim().min(1);

const goldSqlSchema = z
  .strictObject({
    default: sqlText.optional(),
    postgres: sqlText.optional(),
    mariadb: sqlText.optional(),
    sqlite: sqlText.optional(),
  })
  .refine((sql) => sql.default !== undefined || DIALECTS.every((d) => sql[d] !== undefined), {
    message: 'sql needs a default, or a variant for each of postgres, mariadb and sqlite',
  });

const factSchema = z.strictObject({
  label: z.string().min(1),
  value: z.union([z.number(), z.string().min(1)]),
  tolerance: z.number().nonnegative().optional(),
});

const caseSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'id must be snake_case'),
    question: z.string().trim().min(1),
    category: z.enum(CATEGORIES),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    sql: goldSqlSchema.nullable(),
    ordered: z.boolean(),
    empty_ok: z.boolean().optional(),
    story: z.enum(STORIES).optional(),
    facts: z.array(factSchema).min(1).optional(),
    expected_behaviour: z.enum(['refuse', 'clarify']).optional(),
    note: z.string().trim().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    const withoutSql = c.category === 'ambiguous' || c.category === 'unanswerable';
    if (withoutSql) {
      const wanted = c.category === 'ambiguous' ? 'clarify' : 'refuse';
      if (c.sql !== null) problem(`${c.category} cases have sql: null`);
      if (c.expected_behaviour !== wanted) problem(`${c.category} cases need expected_behaviour: ${wanted}`);
      if (c.note === undefined) problem(`${c.category} cases need a note saying why`);
      if (c.ordered) problem(`${c.category} cases cannot be ordered`);
    } else {
      if (c.sql === null) problem(`${c.category} cases need gold SQL`);
      if (c.expected_behaviour !== undefined)
        problem('expected_behaviour is only for ambiguous and unanswerable cases');
    }
    if (c.category === 'multi_step_investigation') {
      if (c.story === undefined) problem('multi_step_investigation cases name the planted story');
      if (c.facts === undefined) problem('multi_step_investigation cases list the facts a good answer states');
    } else if (c.story !== undefined) {
      problem('story is only for multi_step_investigation cases');
    }
    if (c.ordered && c.sql !== null) {
      for (const dialect of DIALECTS) {
        const sql = c.sql[dialect] ?? c.sql.default ?? '';
        if (!/\border\s+by\b/i.test(sql)) problem(`ordered: true but the ${dialect} SQL has no ORDER BY`);
      }
    }
  });

const datasetSchema = z.strictObject({
  now: z.union([z.string(), z.date()]).transform((v) => (typeof v === 'string' ? v : v.toISOString().slice(0, 10))),
  database: z.literal('demo'),
  cases: z.array(z.unknown()).min(1),
});

type GoldenCase = z.infer<typeof caseSchema>;
type GoldSql = NonNullable<GoldenCase['sql']>;
type Cell = number | string | null;

interface LoadedDataset {
  now?: string;
  cases: GoldenCase[];
  /** One line per problem: where and what, so a bad case is easy to find. */
  problems: string[];
}

function describeIssues(where: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? ` ${issue.path.join('.')}:` : '';
    return `${where}:${path} ${issue.message}`;
  });
}

function loadDataset(): LoadedDataset {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(DATASET_PATH, 'utf8'));
  } catch (error) {
    return { cases: [], problems: [`${DATASET_PATH.pathname} could not be read: ${(error as Error).message}`] };
  }
  const doc = datasetSchema.safeParse(raw);
  if (!doc.success) return { cases: [], problems: describeIssues('dataset', doc.error) };
  const cases: GoldenCase[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  doc.data.cases.forEach((entry, index) => {
    const id = (entry as { id?: unknown } | null)?.id;
    const where = `case #${index + 1}${typeof id === 'string' ? ` (${id})` : ''}`;
    const parsed = caseSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...describeIssues(where, parsed.error));
      return;
    }
    if (seen.has(parsed.data.id)) problems.push(`${where}: duplicate id`);
    seen.add(parsed.data.id);
    cases.push(parsed.data);
  });
  return { now: doc.data.now, cases, problems };
}

function sqlFor(sql: GoldSql, dialect: SqlDialect): string {
  const text = sql[dialect] ?? sql.default;
  if (text === undefined) throw new Error(`no SQL for ${dialect}`);
  return text;
}

const NUMERIC_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const DATE_TIME_TEXT = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|[+-]00(?::?00)?)?)?$/;

function isoOf(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Driver values to comparable cells: numbers (decimals returned as text parsed), ISO date text, or other text. */
function normaliseCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return isoOf(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string') {
    if (NUMERIC_TEXT.test(value.trim())) return Number(value);
    const dateTime = DATE_TIME_TEXT.exec(value);
    if (dateTime) return dateTime[2] ? `${dateTime[1]} ${dateTime[2]}` : (dateTime[1] ?? value);
    return value;
  }
  return JSON.stringify(value);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function cellsAgree(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(round2(a) - round2(b)) <= NUMBER_TOLERANCE + 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function rowsAgree(a: readonly Cell[], b: readonly Cell[]): boolean {
  return a.length === b.length && a.every((cell, i) => cellsAgree(cell, b[i] ?? null));
}

interface Outcome {
  columns: string[];
  rows: Cell[][];
}

function outcomeOf(result: QueryResult): Outcome {
  return {
    columns: result.columns.map((c) => c.name.toLowerCase()),
    rows: result.rows.map((row) => row.map(normaliseCell)),
  };
}

const show = (row: readonly Cell[] | undefined) => JSON.stringify(row ?? null);

/** Why `other` differs from `reference`, or undefined when they agree. */
function disagreement(reference: Outcome, other: Outcome, ordered: boolean): string | undefined {
  if (reference.columns.join(',') !== other.columns.join(',')) {
    return `columns differ: ${show(reference.columns)} vs ${show(other.columns)}`;
  }
  if (reference.rows.length !== other.rows.length) {
    return `row count differs: ${reference.rows.length} vs ${other.rows.length}`;
  }
  if (ordered) {
    const at = reference.rows.findIndex((row, i) => !rowsAgree(row, other.rows[i] ?? []));
    return at < 0 ? undefined : `row ${at + 1} differs: ${show(reference.rows[at])} vs ${show(other.rows[at])}`;
  }
  const unmatched = [...other.rows];
  for (const row of reference.rows) {
    const match = unmatched.findIndex((candidate) => rowsAgree(row, candidate));
    if (match < 0) {
      const closest = unmatched.find((candidate) => cellsAgree(row[0] ?? null, candidate[0] ?? null));
      return `row ${show(row)} has no match (same first value: ${show(closest)})`;
    }
    unmatched.splice(match, 1);
  }
  return undefined;
}

/** A fact is found when some cell of the gold result equals it (text, case-insensitive) or is within its tolerance. */
function factFound(fact: NonNullable<GoldenCase['facts']>[number], rows: readonly Cell[][]): boolean {
  const tolerance = fact.tolerance ?? 0.01;
  return rows.some((row) =>
    row.some((cell) => {
      if (typeof fact.value === 'number') return typeof cell === 'number' && Math.abs(cell - fact.value) <= tolerance;
      const wanted = fact.value.trim().toLowerCase();
      return typeof cell === 'string' ? cell.trim().toLowerCase() === wanted : String(cell) === wanted;
    }),
  );
}

const dataset = loadDataset();
const runnable = dataset.cases.filter((c): c is GoldenCase & { sql: GoldSql } => c.sql !== null);

describe('golden dataset: datasets/golden/demo.yaml', () => {
  it('is well-formed: every case passes the schema and ids are unique', () => {
    expect(dataset.problems).toEqual([]);
    expect(dataset.now).toBe('2026-11-15');
  });

  it(`has at least ${MIN_CASES} cases and at least ${MIN_PER_CATEGORY} in every category`, () => {
    expect(dataset.cases.length).toBeGreaterThanOrEqual(MIN_CASES);
    const perCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    for (const c of dataset.cases) perCategory[c.category] = (perCategory[c.category] ?? 0) + 1;
    const short = Object.entries(perCategory).filter(([, n]) => n < MIN_PER_CATEGORY);
    expect(short, 'categories below the minimum').toEqual([]);
  });

  it('investigates every planted story', () => {
    const stories = new Set(dataset.cases.map((c) => c.story).filter((s) => s !== undefined));
    expect([...stories].sort()).toEqual([...STORIES].sort());
  });
});

describe('golden dataset: gold SQL on the three real demo databases', () => {
  let guard: SqlGuard;
  let executor: SqlExecutor;
  const sources = new Map<SqlDialect, DataSource>();

  beforeAll(async () => {
    guard = await createSqlGuard();
    executor = createSqlExecutor({ guard, logger: silentLogger });
    for (const dialect of DIALECTS) {
      sources.set(dialect, createDataSource(connectionFor(dialect, await demoUrl(dialect)), { logger: silentLogger }));
    }
  });

  afterAll(async () => {
    await Promise.allSettled([...sources.values()].map((s) => s.close()));
  });

  it('has gold SQL to run', () => {
    expect(runnable.length).toBeGreaterThan(0);
  });

  it.each(runnable.map((c) => [c.id, c] as const))('%s: allowed, runs and agrees on all dialects', async (_id, c) => {
    const outcomes = new Map<SqlDialect, Outcome>();
    const problems: string[] = [];
    const run = async (dialect: SqlDialect): Promise<void> => {
      const sql = sqlFor(c.sql, dialect);
      const verdict = guard.check(sql, dialect);
      if (!verdict.allowed) {
        problems.push(`${dialect}: refused by the guard (${verdict.code}): ${verdict.reason}`);
        return;
      }
      const source = sources.get(dialect);
      if (!source) throw new Error(`no data source for ${dialect}`);
      try {
        const result = await executor.execute(source, sql);
        if (result.truncated) problems.push(`${dialect}: result truncated at ${result.rowCount} rows`);
        if (result.rowCount === 0 && c.empty_ok !== true) problems.push(`${dialect}: returned no rows`);
        outcomes.set(dialect, outcomeOf(result));
      } catch (error) {
        problems.push(`${dialect}: ${(error as Error).message}`);
      }
    };
    await Promise.all(DIALECTS.map(run));
    const [first, ...others] = DIALECTS;
    const reference = first === undefined ? undefined : outcomes.get(first);
    if (reference) {
      for (const dialect of others) {
        const other = outcomes.get(dialect);
        const why = other && disagreement(reference, other, c.ordered);
        if (why) problems.push(`${first} vs ${dialect}: ${why}`);
      }
      for (const fact of c.facts ?? []) {
        if (!factFound(fact, reference.rows)) {
          problems.push(`fact "${fact.label}" (${fact.value}) is not in the gold result`);
        }
      }
    }
    expect(problems.sort()).toEqual([]);
  });
});

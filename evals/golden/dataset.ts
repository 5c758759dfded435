/**
 * The golden question set (datasets/golden/demo.yaml), parsed and validated. See the file's header for conventions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { SqlDialect } from '../../src/sql/index.js';

const factSchema = z.strictObject({
  label: z.string().min(1),
  value: z.union([z.string().min(1), z.number()]),
  tolerance: z.number().min(0).optional(),
});

const caseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  question: z.string().min(1),
  category: z.enum([
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
  ]),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  sql: z.partialRecord(z.enum(['default', 'sqlite', 'postgres', 'mariadb']), z.string().min(1)).nullable(),
  ordered: z.boolean().optional(),
  story: z.string().optional(),
  facts: z.array(factSchema).optional(),
  expected_behaviour: z.enum(['clarify', 'refuse']).optional(),
  note: z.string().optional(),
});

export type GoldenFact = z.infer<typeof factSchema>;
export type GoldenCase = z.infer<typeof caseSchema>;
export type GoldenCategory = GoldenCase['category'];

export interface GoldenDataset {
  /** SLEUTH_NOW the dataset is written against (noon UTC of its date). */
  now: Date;
  database: string;
  cases: GoldenCase[];
}

const datasetSchema = z.strictObject({
  now: z.union([z.string(), z.date()]),
  database: z.string(),
  cases: z.array(caseSchema).min(1),
});

export function loadGoldenDataset(path: string): GoldenDataset {
  const parsed = datasetSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a valid golden dataset:\n${z.prettifyError(parsed.error)}`);
  }
  const { now, database, cases } = parsed.data;
  const day = now instanceof Date ? now.toISOString().slice(0, 10) : now;
  for (const c of cases) {
    if (c.sql === null && !c.expected_behaviour)
      throw new Error(`${path}: case ${c.id} has no gold SQL and no expected_behaviour`);
  }
  return { now: new Date(`${day}T12:00:00Z`), database, cases };
}

export function defaultGoldenPath(root: string): string {
  return join(root, 'datasets', 'golden', 'demo.yaml');
}

/** The gold SQL for a dialect: its own variant, else the portable default; undefined for behaviour-only cases. */
export function goldSqlFor(c: GoldenCase, dialect: SqlDialect): string | undefined {
  return c.sql ? (c.sql[dialect] ?? c.sql.default) : undefined;
}

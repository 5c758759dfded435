import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SQL_DIALECTS, type SqlDialect } from '../../src/sql/index.js';

const dialects = z.array(z.enum(SQL_DIALECTS as unknown as [SqlDialect, ...SqlDialect[]])).optional();
const attackSchema = z.array(z.object({ sql: z.string(), code: z.string(), dialects }).strict());
const legitSchema = z.array(z.object({ name: z.string(), sql: z.string(), dialects }).strict());

export interface SqlCase {
  dialect: SqlDialect;
  sql: string;
  label: string;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'sql');

export function attackCases(): (SqlCase & { code: string })[] {
  const entries = attackSchema.parse(parse(readFileSync(join(FIXTURES, 'attacks.yaml'), 'utf8')));
  return entries.flatMap((e) =>
    (e.dialects ?? SQL_DIALECTS).map((dialect) => ({
      dialect,
      sql: e.sql,
      code: e.code,
      label: JSON.stringify(e.sql).slice(0, 90),
    })),
  );
}

export function legitCases(): SqlCase[] {
  const entries = legitSchema.parse(parse(readFileSync(join(FIXTURES, 'legit.yaml'), 'utf8')));
  return entries.flatMap((e) =>
    (e.dialects ?? SQL_DIALECTS).map((dialect) => ({ dialect, sql: e.sql, label: e.name })),
  );
}

const policyFunctionSchema = z.array(
  z.object({ name: z.string(), case: z.number().int(), code: z.string(), sql: z.string(), dialects }).strict(),
);

/** Issue 15 cases 1-3 and 10 (policy-functions.yaml): refused with `code` by the guard, or by the access policy. */
export function policyFunctionCases(): (SqlCase & { code: string; case: number })[] {
  const entries = policyFunctionSchema.parse(parse(readFileSync(join(FIXTURES, 'policy-functions.yaml'), 'utf8')));
  return entries.flatMap((e) =>
    (e.dialects ?? SQL_DIALECTS).map((dialect) => ({ dialect, sql: e.sql, code: e.code, case: e.case, label: e.name })),
  );
}

/**
 * Result tests of verified queries, like dbt tests: a verified query's `tests:` block pins a date, parameters and
 * the rows (or invariants: row count, column sums, non-negative, not null, sorted) the query must return on the named
 * connections. A change to a verified query's SQL that changes its result without changing its expectation fails,
 * and so does a change in the data or the schema under it. Run by `sleuth kb test` and the CI gate.
 *
 * The filled SQL goes through the given executor (guard, read-only, timeout, row cap) like every other statement.
 */
import type { DataSource } from '../datasources/index.js';
import type { SqlExecutor } from '../sql/index.js';
import type { LoadedVerifiedQuery, ResultTest } from './files.js';
import { fillSql } from './fill.js';
import type { ExtractedParameter } from './parameters.js';
import { parsePeriod } from './periods.js';

export interface ResultTestOutcome {
  readonly query: string;
  /** The test's name, or "#<n>" (1-based) when it has none. */
  readonly test: string;
  readonly connection: string;
  readonly now: string;
  readonly passed: boolean;
  /** Readable differences, one per line ("row 2 revenue: got 12.5, expected 11.25"). */
  readonly failures: readonly string[];
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly elapsedMs: number;
}

export interface ResultTestDeps {
  readonly executor: Pick<SqlExecutor, 'execute'>;
  /** The connection with its data as of the pinned day (the demo database is built for that day). */
  readonly source: (connection: string, now: string) => Promise<DataSource>;
}

export interface ResultTestFilter {
  /** Only these verified queries (all when empty). */
  readonly names?: readonly string[];
  /** Only this connection. */
  readonly connection?: string;
}

/** Numbers are compared with this tolerance (queries round money to cents). */
const TOLERANCE = 0.005;
const MAX_ROWS = 10_000;

export async function runResultTests(
  queries: readonly LoadedVerifiedQuery[],
  deps: ResultTestDeps,
  filter: ResultTestFilter = {},
): Promise<ResultTestOutcome[]> {
  const outcomes: ResultTestOutcome[] = [];
  for (const query of queries) {
    if (filter.names && filter.names.length > 0 && !filter.names.includes(query.name)) continue;
    for (const [index, test] of (query.tests ?? []).entries()) {
      for (const connection of test.connections ?? [query.connection]) {
        if (filter.connection && filter.connection !== connection) continue;
        outcomes.push(await runOne(query, test, `${test.name ?? `#${index + 1}`}`, connection, deps));
      }
    }
  }
  return outcomes;
}

async function runOne(
  query: LoadedVerifiedQuery,
  test: ResultTest,
  label: string,
  connection: string,
  deps: ResultTestDeps,
): Promise<ResultTestOutcome> {
  const started = Date.now();
  const base = { query: query.name, test: label, connection, now: test.now };
  const fail = (failures: string[], columns: string[] = [], rows: unknown[][] = []) => ({
    ...base,
    passed: failures.length === 0,
    failures,
    columns,
    rows,
    elapsedMs: Date.now() - started,
  });
  let parameters: ExtractedParameter[];
  try {
    parameters = testParameters(query, test);
  } catch (error) {
    return fail([(error as Error).message]);
  }
  const enums = new Map(
    parameters.filter((p) => p.value.type === 'enum').map((p) => [p.name, [(p.value as { value: string }).value]]),
  );
  let columns: string[];
  let rows: unknown[][];
  try {
    const source = await deps.source(connection, test.now);
    const sql = fillSql(query.sql, query.parameters, parameters, source.dialect, enums);
    const result = await deps.executor.execute(source, sql, { limits: { maxRows: MAX_ROWS } });
    columns = result.columns.map((c) => c.name);
    rows = result.rows;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return fail([`the query failed: ${code ? `${code}: ` : ''}${(error as Error).message}`.slice(0, 500)]);
  }
  return fail(checkExpectations(test.expect, columns, rows), columns, rows);
}

/** The test's parameters, else each definition's default as of the pinned day. */
export function testParameters(query: LoadedVerifiedQuery, test: ResultTest): ExtractedParameter[] {
  const now = new Date(`${test.now}T12:00:00Z`);
  const out: ExtractedParameter[] = [];
  for (const [name, def] of Object.entries(query.parameters)) {
    const given = test.parameters[name];
    const value = given ?? def.default;
    if (value === undefined) throw new Error(`parameter ${name} has no value (the test must give one)`);
    switch (def.type) {
      case 'date_range': {
        const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(String(value));
        const range = m ? { start: m[1] as string, end: m[2] as string } : parsePeriod(String(value), now);
        if (!range) throw new Error(`parameter ${name}: "${value}" is not start..end or a period phrase`);
        out.push({ name, value: { type: 'date_range', range }, source: given === undefined ? 'default' : 'question' });
        break;
      }
      case 'number':
        out.push({ name, value: { type: 'number', value: Number(value) }, source: 'question' });
        break;
      default:
        out.push({ name, value: { type: def.type, value: String(value) }, source: 'question' });
    }
  }
  return out;
}

export function checkExpectations(
  expect: ResultTest['expect'],
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): string[] {
  const failures: string[] = [];
  const index = (column: string): number => {
    const i = columns.indexOf(column);
    if (i < 0) failures.push(`no column ${column} (columns: ${columns.join(', ')})`);
    return i;
  };
  if (expect.columns && expect.columns.join(',') !== columns.join(',')) {
    failures.push(`columns: got [${columns.join(', ')}], expected [${expect.columns.join(', ')}]`);
  }
  if (expect.row_count !== undefined && rows.length !== expect.row_count) {
    failures.push(`row count: got ${rows.length}, expected ${expect.row_count}`);
  }
  if (expect.rows) failures.push(...diffRows(columns, rows, expect.rows));
  for (const [column, sum] of Object.entries(expect.sums ?? {})) {
    const i = index(column);
    if (i < 0) continue;
    const got = rows.reduce<number>((acc, r) => acc + (toNumber(r[i]) ?? 0), 0);
    if (Math.abs(got - sum) > 0.01) failures.push(`sum of ${column}: got ${round(got)}, expected ${sum}`);
  }
  for (const column of expect.non_negative ?? []) {
    const i = index(column);
    if (i < 0) continue;
    const bad = rows.findIndex((r) => (toNumber(r[i]) ?? 0) < 0);
    if (bad >= 0) failures.push(`${column} is negative in row ${bad + 1}: ${show(rows[bad]?.[i])}`);
  }
  for (const column of expect.not_null ?? []) {
    const i = index(column);
    if (i < 0) continue;
    const bad = rows.findIndex((r) => r[i] === null || r[i] === undefined);
    if (bad >= 0) failures.push(`${column} is null in row ${bad + 1}`);
  }
  if (expect.sorted) {
    const [column, direction] = expect.sorted.split(' ') as [string, string | undefined];
    const i = index(column);
    if (i >= 0) {
      const desc = direction === 'desc';
      for (let r = 1; r < rows.length; r++) {
        const cmp = compare(rows[r - 1]?.[i], rows[r]?.[i]);
        if (desc ? cmp < 0 : cmp > 0) {
          failures.push(
            `not sorted by ${expect.sorted}: row ${r} ${show(rows[r - 1]?.[i])}, row ${r + 1} ${show(rows[r]?.[i])}`,
          );
          break;
        }
      }
    }
  }
  return failures;
}

/** Cell-by-cell differences, at most 8 lines. */
function diffRows(
  columns: readonly string[],
  got: readonly (readonly unknown[])[],
  want: readonly (readonly unknown[])[],
): string[] {
  const lines: string[] = [];
  if (got.length !== want.length) lines.push(`rows: got ${got.length}, expected ${want.length}`);
  for (let r = 0; r < Math.max(got.length, want.length) && lines.length < 8; r++) {
    const a = got[r];
    const b = want[r];
    if (!a) {
      lines.push(`row ${r + 1} missing: expected ${JSON.stringify(b)}`);
      continue;
    }
    if (!b) {
      lines.push(`row ${r + 1} unexpected: ${JSON.stringify(a.map(plain))}`);
      continue;
    }
    for (let c = 0; c < Math.max(a.length, b.length) && lines.length < 8; c++) {
      if (!same(a[c], b[c])) {
        lines.push(`row ${r + 1} ${columns[c] ?? `column ${c + 1}`}: got ${show(a[c])}, expected ${show(b[c])}`);
      }
    }
  }
  return lines;
}

function same(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === 'number') {
    const n = toNumber(actual);
    return n !== null && Math.abs(n - expected) <= TOLERANCE;
  }
  if (typeof expected === 'boolean') return actual === expected || actual === (expected ? 1 : 0);
  return String(plain(actual)) === expected;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return value;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function compare(a: unknown, b: unknown): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x - y;
  return String(plain(a)).localeCompare(String(plain(b)));
}

function show(value: unknown): string {
  return JSON.stringify(plain(value)) ?? 'undefined';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

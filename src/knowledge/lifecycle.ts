/**
 * Lifecycle of verified queries: each is re-checked against the live schema (filled with its defaults or example
 * values, then guard + EXPLAIN through the read-only executor). A query that no longer fits is stale and the FAQ tier
 * never serves it until its file is fixed. Re-checks run at sync and whenever the schema fingerprint changes.
 */
import { createHash } from 'node:crypto';
import type { DataSource } from '../datasources/index.js';
import type { SqlExecutor } from '../sql/index.js';
import { createSchemaInspector, type SchemaSnapshot } from '../sql/introspect/index.js';
import type { LoadedVerifiedQuery } from './files.js';
import { fillSql } from './fill.js';
import type { ExtractedParameter } from './parameters.js';
import { parsePeriod } from './periods.js';

export interface CheckOutcome {
  readonly stale: boolean;
  readonly reason: string | null;
}

export function contentHash(query: LoadedVerifiedQuery): string {
  const { file: _file, ...content } = query;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/** A short fingerprint of tables and columns (names and types): it changes when the schema does. */
export function schemaFingerprint(snapshot: SchemaSnapshot): string {
  const shape = snapshot.tables
    .map((t) => `${t.schema ?? ''}.${t.name}(${t.columns.map((c) => `${c.name}:${c.type}`).join(',')})`)
    .sort()
    .join(';');
  return createHash('sha256').update(shape).digest('hex').slice(0, 16);
}

export async function readSchema(executor: SqlExecutor, source: DataSource): Promise<SchemaSnapshot> {
  return createSchemaInspector({ executor, source }).getSchema({ maxTables: 500 });
}

/** Example values: defaults where given, else a value of the right type, so the SQL can be checked. */
export function exampleParameters(
  query: LoadedVerifiedQuery,
  enumValues: ReadonlyMap<string, readonly string[]>,
  now: Date,
): ExtractedParameter[] | string {
  const out: ExtractedParameter[] = [];
  for (const [name, definition] of Object.entries(query.parameters)) {
    switch (definition.type) {
      case 'date_range': {
        const range = parsePeriod(definition.default ?? 'last 30 days', now);
        if (!range) return `parameter ${name}: default "${definition.default}" is not a period Sleuth understands`;
        out.push({ name, value: { type: 'date_range', range }, source: 'default' });
        break;
      }
      case 'enum': {
        const known = enumValues.get(name) ?? definition.values ?? [];
        const value = definition.default ?? known[0];
        if (value === undefined) return `parameter ${name}: no known values (is ${definition.values_from} empty?)`;
        if (!known.includes(value)) return `parameter ${name}: default "${value}" is not one of the known values`;
        out.push({ name, value: { type: 'enum', value }, source: 'default' });
        break;
      }
      case 'number':
        out.push({ name, value: { type: 'number', value: definition.default ?? definition.min }, source: 'default' });
        break;
      case 'text':
        out.push({ name, value: { type: 'text', value: definition.default ?? 'a' }, source: 'default' });
        break;
    }
  }
  return out;
}

export async function checkVerifiedQuery(
  query: LoadedVerifiedQuery,
  deps: { executor: SqlExecutor; source: DataSource; enumValues: ReadonlyMap<string, readonly string[]>; now: Date },
): Promise<CheckOutcome> {
  const parameters = exampleParameters(query, deps.enumValues, deps.now);
  if (typeof parameters === 'string') return { stale: true, reason: parameters };
  let sql: string;
  try {
    sql = fillSql(query.sql, query.parameters, parameters, deps.source.dialect, deps.enumValues);
  } catch (error) {
    return { stale: true, reason: (error as Error).message };
  }
  try {
    await deps.executor.execute(deps.source, `EXPLAIN ${sql.trim().replace(/;\s*$/, '')}`, {
      limits: { timeoutMs: 10_000, maxRows: 1000 },
    });
    return { stale: false, reason: null };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    return { stale: true, reason: `${code}: ${(error as Error).message}`.slice(0, 500) };
  }
}

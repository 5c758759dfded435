import { type DemoBatch, generateDemoData } from './generate.js';
import type { DemoOptions } from './options.js';
import { DEMO_TABLES, type DemoDialect } from './schema.js';

export interface DemoLoadResult {
  dialect: DemoDialect;
  /** Rows loaded per demo table. */
  tables: Record<string, number>;
  elapsedMs: number;
}

/** Streams the generated batches into `insert`, counting rows per table. */
export async function insertAll(
  options: DemoOptions,
  insert: (batch: DemoBatch) => Promise<void>,
): Promise<Record<string, number>> {
  const tables: Record<string, number> = Object.fromEntries(DEMO_TABLES.map((t) => [t, 0]));
  for (const batch of generateDemoData(options)) {
    await insert(batch);
    tables[batch.table] = (tables[batch.table] ?? 0) + batch.rows.length;
  }
  return tables;
}

/** Splits rows into chunks of at most `size` rows. */
export function* chunks<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** `(?, ?), (?, ?)` style placeholder lists, or `($1, $2), ($3, $4)` for postgres. */
export function placeholders(rows: number, columns: number, numbered: boolean): string {
  const groups: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const slots: string[] = [];
    for (let c = 0; c < columns; c++) slots.push(numbered ? `$${++n}` : '?');
    groups.push(`(${slots.join(', ')})`);
  }
  return groups.join(', ');
}

export function elapsedSince(start: number): number {
  return Math.round(performance.now() - start);
}

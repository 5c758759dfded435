import { describe, expect, it } from 'vitest';
import { askedCopyKinds, copyOf, joinGraph, rerankTables } from '../../../src/knowledge/schema-rank.js';
import type { ForeignKey, SchemaSnapshot, TableDescription } from '../../../src/sql/introspect/index.js';

const TABLES = new Set([
  'orders',
  'stg_orders',
  'raw_orders',
  'orders_archive',
  'orders_snapshot',
  'orders_2023',
  'order_items',
  'customers',
  'landing_pages',
  'stg_only',
  'analytics.events',
  'analytics.events_backup',
]);

describe('copyOf', () => {
  it('names the base table of staging, raw, archive, snapshot, backup and dated copies', () => {
    expect(copyOf('stg_orders', TABLES)?.base).toBe('orders');
    expect(copyOf('raw_orders', TABLES)?.base).toBe('orders');
    expect(copyOf('orders_archive', TABLES)?.base).toBe('orders');
    expect(copyOf('orders_snapshot', TABLES)?.base).toBe('orders');
    expect(copyOf('orders_2023', TABLES)?.base).toBe('orders');
    expect(copyOf('analytics.events_backup', TABLES)?.base).toBe('analytics.events');
  });

  it('is not a copy when the base table does not exist or the name only looks like one', () => {
    expect(copyOf('stg_only', TABLES)).toBeUndefined();
    expect(copyOf('orders', TABLES)).toBeUndefined();
    expect(copyOf('order_items', TABLES)).toBeUndefined();
    expect(copyOf('landing_pages', new Set(['landing_pages', 'pages']))).toBeUndefined();
  });
});

describe('askedCopyKinds', () => {
  it('reads the kind of copy a question names', () => {
    const staging = copyOf('stg_orders', TABLES)?.kind;
    const archive = copyOf('orders_archive', TABLES)?.kind;
    expect(askedCopyKinds('orders in the staging table').has(staging as number)).toBe(true);
    expect(askedCopyKinds('archived orders from 2019').has(archive as number)).toBe(true);
    expect(askedCopyKinds('historical orders').has(archive as number)).toBe(true);
    expect(askedCopyKinds('orders last quarter').size).toBe(0);
  });
});

const table = (name: string, references: ForeignKey['references'][], schema = 'public'): TableDescription => ({
  schema,
  name,
  kind: 'table',
  rowEstimate: null,
  comment: null,
  columns: [],
  primaryKey: ['id'],
  foreignKeys: references.map((r) => ({ columns: [`${r.table}_id`], references: r })),
});
const SNAPSHOT: SchemaSnapshot = {
  dialect: 'postgres',
  tables: [
    table('customers', []),
    table('orders', [{ table: 'customers', columns: ['id'] }]),
    table('order_items', [{ table: 'orders', columns: ['id'] }]),
    table('events', [{ schema: 'public', table: 'customers', columns: ['id'] }], 'analytics'),
  ],
};

describe('joinGraph', () => {
  it('links tables both ways, schema-qualified outside public', () => {
    const graph = joinGraph(SNAPSHOT);
    expect([...(graph.get('orders') ?? [])].sort()).toEqual(['customers', 'order_items']);
    expect([...(graph.get('customers') ?? [])].sort()).toEqual(['analytics.events', 'orders']);
  });
});

describe('rerankTables', () => {
  const graph = joinGraph(SNAPSHOT);
  const order = (scores: Map<string, number>) =>
    [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);

  it('ranks copies below their base table and below other matching base tables', () => {
    const scores = new Map([
      ['stg_orders', 1],
      ['orders', 0.99],
      ['orders_archive', 0.98],
      ['order_items', 0.6],
    ]);
    expect(order(rerankTables(scores, 'total order revenue', TABLES, graph))).toEqual([
      'orders',
      'order_items',
      'stg_orders',
      'orders_archive',
    ]);
  });

  it('leaves a copy where its text puts it when the question asks for that kind of copy', () => {
    const scores = new Map([
      ['orders_archive', 1],
      ['orders', 0.99],
      ['stg_orders', 0.98],
    ]);
    expect(order(rerankTables(scores, 'archived order revenue', TABLES, graph))[0]).toBe('orders_archive');
    expect(order(rerankTables(scores, 'order revenue in staging', TABLES, graph))[0]).toBe('orders');
    expect(order(rerankTables(scores, 'order revenue in staging', TABLES, graph))[1]).toBe('stg_orders');
  });

  it('pulls up a join partner of a top table that the question also matches, not one it does not', () => {
    const scores = new Map([
      ['orders', 1],
      ['stg_orders', 0.98],
      ['raw_orders', 0.97],
      ['orders_archive', 0.96],
      ['orders_snapshot', 0.95],
      ['analytics.events', 0.44],
      ['order_items', 0.4],
    ]);
    const ranked = order(rerankTables(scores, 'units sold per order', TABLES, graph));
    expect(ranked.slice(0, 2)).toEqual(['orders', 'order_items']);
    // customers is linked to orders but the question did not match it: no score from the link alone
    expect(ranked).not.toContain('customers');
  });
});

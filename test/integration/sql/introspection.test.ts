import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, type DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, createSqlGuard, type SqlDialect } from '../../../src/sql/index.js';
import { createSchemaInspector, type SchemaInspector } from '../../../src/sql/introspect/index.js';
import { adminExec, connectionFor, DIALECTS, ensureDatabase, silentLogger } from '../../helpers/databases.js';

const SETUP: Record<SqlDialect, string[]> = {
  postgres: [
    'DROP VIEW IF EXISTS big_spenders',
    'DROP TABLE IF EXISTS purchases',
    'DROP TABLE IF EXISTS shoppers',
    'CREATE TABLE shoppers (id integer PRIMARY KEY, email varchar(200) NOT NULL, tier text, joined_on date)',
    "COMMENT ON TABLE shoppers IS 'People who buy things'",
    "COMMENT ON COLUMN shoppers.tier IS 'loyalty tier: bronze, silver, gold'",
    'CREATE TABLE purchases (id integer PRIMARY KEY, shopper_id integer NOT NULL REFERENCES shoppers(id), amount numeric(10,2), paid boolean)',
    'CREATE VIEW big_spenders AS SELECT shopper_id, SUM(amount) AS spent FROM purchases GROUP BY shopper_id',
  ],
  mariadb: [
    'DROP VIEW IF EXISTS big_spenders',
    'DROP TABLE IF EXISTS purchases',
    'DROP TABLE IF EXISTS shoppers',
    "CREATE TABLE shoppers (id int PRIMARY KEY, email varchar(200) NOT NULL, tier varchar(20) COMMENT 'loyalty tier: bronze, silver, gold', joined_on date) COMMENT 'People who buy things'",
    'CREATE TABLE purchases (id int PRIMARY KEY, shopper_id int NOT NULL, amount decimal(10,2), paid boolean, FOREIGN KEY (shopper_id) REFERENCES shoppers(id))',
    'CREATE VIEW big_spenders AS SELECT shopper_id, SUM(amount) AS spent FROM purchases GROUP BY shopper_id',
  ],
  sqlite: [
    'DROP VIEW IF EXISTS big_spenders',
    'DROP TABLE IF EXISTS purchases',
    'DROP TABLE IF EXISTS shoppers',
    'CREATE TABLE shoppers (id integer PRIMARY KEY, email varchar(200) NOT NULL, tier text, joined_on date)',
    'CREATE TABLE purchases (id integer PRIMARY KEY, shopper_id integer NOT NULL REFERENCES shoppers(id), amount numeric, paid boolean)',
    'CREATE VIEW big_spenders AS SELECT shopper_id, SUM(amount) AS spent FROM purchases GROUP BY shopper_id',
  ],
};

const DATA = [
  "INSERT INTO shoppers (id, email, tier, joined_on) VALUES (1, 'a@x.test', 'gold', '2026-01-05'), (2, 'b@x.test', 'silver', '2026-02-10'), (3, 'c@x.test', NULL, '2026-03-15'), (4, 'd@x.test', 'gold', NULL)",
  'INSERT INTO purchases (id, shopper_id, amount, paid) VALUES (1, 1, 10.50, true), (2, 1, 99.99, false), (3, 2, 5.00, true)',
];

describe.each(DIALECTS)('schema discovery on real %s', (dialect) => {
  let source: DataSource;
  let inspector: SchemaInspector;

  beforeAll(async () => {
    const url = await ensureDatabase(dialect, 'sleuth_test_introspect');
    await adminExec(dialect, url, [...SETUP[dialect], ...DATA, ...(dialect === 'postgres' ? ['ANALYZE'] : [])]);
    source = createDataSource(connectionFor(dialect, url), { logger: silentLogger });
    inspector = createSchemaInspector({
      executor: createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger }),
      source,
    });
  });

  afterAll(async () => {
    await source?.close();
  });

  it('lists tables and views with row estimates', async () => {
    const tables = await inspector.listTables();
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['shoppers', 'purchases', 'big_spenders']));
    expect(byName.big_spenders?.kind).toBe('view');
    expect(byName.shoppers?.kind).toBe('table');
    if (dialect !== 'mariadb') expect(byName.shoppers?.rowEstimate).toBe(4); // InnoDB estimates are rough
    if (dialect !== 'sqlite') expect(byName.shoppers?.comment).toBe('People who buy things');
  });

  it('describes columns, types, nullability, keys and comments', async () => {
    const shoppers = await inspector.describeTable('shoppers');
    expect(shoppers.columns.map((c) => c.name)).toEqual(['id', 'email', 'tier', 'joined_on']);
    expect(shoppers.primaryKey).toEqual(['id']);
    const email = shoppers.columns.find((c) => c.name === 'email');
    expect(email?.nullable).toBe(false);
    expect(email?.type).toMatch(/varchar|character varying/);
    expect(shoppers.columns.find((c) => c.name === 'tier')?.nullable).toBe(true);
    if (dialect !== 'sqlite') {
      expect(shoppers.columns.find((c) => c.name === 'tier')?.comment).toBe('loyalty tier: bronze, silver, gold');
    }
    const purchases = await inspector.describeTable('PURCHASES');
    expect(purchases.foreignKeys).toEqual([
      { columns: ['shopper_id'], references: expect.objectContaining({ table: 'shoppers', columns: ['id'] }) },
    ]);
  });

  it('refuses unknown tables with the known names', async () => {
    await expect(inspector.describeTable('shopers; DROP TABLE shoppers')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('shoppers'),
    });
  });

  it('samples rows and profiles columns', async () => {
    const sample = await inspector.sampleRows('shoppers', 2);
    expect(sample.rowCount).toBe(2);
    expect(sample.columns.map((c) => c.name)).toEqual(['id', 'email', 'tier', 'joined_on']);
    const tier = await inspector.profileColumn('shoppers', 'tier');
    expect(tier).toMatchObject({ rowCount: 4, distinctCount: 2, nullCount: 1, min: 'gold', max: 'silver' });
    expect(tier.topValues[0]).toEqual({ value: 'gold', count: 2 });
    const amount = await inspector.profileColumn('purchases', 'amount');
    expect(Number(amount.min)).toBe(5);
    expect(Number(amount.max)).toBe(99.99);
    const paid = await inspector.profileColumn('purchases', 'paid');
    expect(paid.distinctCount).toBe(2);
  });

  it('returns the whole schema', async () => {
    const schema = await inspector.getSchema();
    expect(schema.dialect).toBe(dialect);
    expect(schema.tables.find((t) => t.name === 'purchases')?.columns).toHaveLength(4);
  });
});

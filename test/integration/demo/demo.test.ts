import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_TABLES,
  type DemoOptions,
  demoDdl,
  demoFingerprint,
  ensureDemoSqlite,
  generateDemoData,
  loadDemoMariadb,
  loadDemoPostgres,
  loadDemoSqlite,
} from '../../../src/demo/index.js';

const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const PG_URL = 'postgres://postgres@127.0.0.1:5432/sleuth_helper_demo';
const MARIADB_SERVER_URL = 'mysql://root@127.0.0.1:3306/';
const MARIADB_URL = 'mysql://root@127.0.0.1:3306/sleuth_helper_demo';
const ANCHOR = new Date('2026-03-01T09:30:00Z');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sleuth-demo-test-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function collect(options: DemoOptions): Map<string, unknown[][]> {
  const tables = new Map<string, unknown[][]>();
  for (const batch of generateDemoData(options)) {
    expect(batch.rows.length).toBeLessThanOrEqual(5000);
    const rows = tables.get(batch.table) ?? [];
    for (const row of batch.rows) rows.push(row);
    tables.set(batch.table, rows);
  }
  return tables;
}

function digest(options: DemoOptions): string {
  const hash = createHash('sha256');
  for (const batch of generateDemoData(options)) hash.update(`${batch.table}\n${JSON.stringify(batch.rows)}\n`);
  return hash.digest('hex');
}

function query<T>(path: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) return reject(openError);
      db.all(sql, (error: Error | null, rows: T[]) => {
        db.close();
        if (error) reject(error);
        else resolve(rows);
      });
    });
  });
}

const cents = (value: unknown): number => Math.round(Number(value) * 100);

describe('generateDemoData', () => {
  it('is deterministic for the same seed, scale and anchor date, and differs for another seed', () => {
    const small = { seed: 7, scale: 0.1, anchor: ANCHOR };
    expect(collect(small)).toEqual(collect({ ...small }));
    const base = { seed: 42, scale: 1, anchor: ANCHOR };
    expect(digest(base)).toBe(digest({ ...base, anchor: new Date('2026-03-01T23:59:59Z') }));
    expect(digest({ ...base, seed: 43 })).not.toBe(digest(base));
    expect(demoFingerprint(base)).toBe('42:1:2026-03-01:1');
  });

  it('yields the tables in load order with consistent keys, totals and dates before the anchor', () => {
    const tables = collect({ seed: 42, scale: 1, anchor: ANCHOR });
    expect([...tables.keys()]).toEqual([...DEMO_TABLES]);
    const ids = (table: string) => new Set((tables.get(table) ?? []).map((row) => row[0]));
    const checkFk = (table: string, column: number, target: string, nullable = false) => {
      const targetIds = ids(target);
      for (const row of tables.get(table) ?? []) {
        if (nullable && row[column] === null) continue;
        if (!targetIds.has(row[column])) throw new Error(`${table} row ${row[0]} points to missing ${target}`);
      }
    };
    checkFk('customers', 5, 'countries');
    checkFk('customers', 7, 'campaigns', true);
    checkFk('subscriptions', 1, 'customers');
    checkFk('orders', 1, 'customers');
    checkFk('order_items', 1, 'orders');
    checkFk('order_items', 2, 'products');
    checkFk('refunds', 1, 'orders');
    checkFk('marketing_spend', 1, 'campaigns');
    checkFk('support_tickets', 1, 'customers');

    const itemSums = new Map<unknown, number>();
    for (const [, orderId, , quantity, price] of tables.get('order_items') ?? []) {
      itemSums.set(orderId, (itemSums.get(orderId) ?? 0) + Number(quantity) * cents(price));
    }
    const orders = tables.get('orders') ?? [];
    for (const [id, , , , , subtotal, discount, total] of orders) {
      expect(cents(subtotal)).toBe(itemSums.get(id));
      expect(cents(total)).toBe(cents(subtotal) - cents(discount));
    }
    const totals = new Map(orders.map((row) => [row[0], cents(row[7])]));
    for (const [, orderId, , amount] of tables.get('refunds') ?? []) {
      expect(cents(amount)).toBeLessThanOrEqual(totals.get(orderId) ?? -1);
    }

    // Sizes at scale 1, and nothing on or after the anchor date.
    expect(tables.get('customers')?.length).toBeGreaterThan(4500);
    expect(orders.length).toBeGreaterThan(22_000);
    expect(tables.get('order_items')?.length).toBeGreaterThan(50_000);
    expect(tables.get('products')?.length).toBe(120);
    const latest = [...tables.values()]
      .flat()
      .flat()
      .filter((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v));
    expect(latest.every((v) => (v as string) < '2026-03-01')).toBe(true);
    expect(latest.some((v) => (v as string) < '2023-03-05')).toBe(true);
  });

  it('renders DDL for every dialect with keys and comments', () => {
    for (const dialect of ['postgres', 'mariadb', 'sqlite'] as const) {
      const ddl = demoDdl(dialect).join('\n');
      for (const table of DEMO_TABLES) expect(ddl).toContain(`CREATE TABLE ${table} (`);
      expect(ddl).toContain('FOREIGN KEY (order_id) REFERENCES orders (id)');
      expect(ddl).toContain('monthly recurring revenue in USD');
    }
    expect(demoDdl('postgres').some((s) => s.startsWith('COMMENT ON COLUMN subscriptions.mrr'))).toBe(true);
    expect(demoDdl('mariadb')[0]).toContain('ENGINE=InnoDB');
  });
});

describe('the SQLite demo database', () => {
  for (const anchor of ['2026-03-01', '2025-08-20']) {
    it(`contains the three planted stories (anchor ${anchor})`, async () => {
      const path = join(dir, `stories-${anchor}.sqlite`);
      const result = await loadDemoSqlite(path, { anchor: new Date(`${anchor}T12:00:00Z`) });
      expect(result.tables.customers).toBeGreaterThan(4500);
      const month = (back: number) => {
        const d = new Date(`${anchor}T00:00:00Z`);
        return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
      };
      const recent = Array.from({ length: 12 }, (_, i) => month(i + 1));

      // 1. paid_social signups spike ~4x five months before the anchor, and those customers churn fast.
      const social = await query<{ m: string; n: number }>(
        path,
        `SELECT substr(signup_date, 1, 7) AS m, COUNT(*) AS n FROM customers
         WHERE acquisition_channel = 'paid_social' GROUP BY m`,
      );
      const socialBy = new Map(social.map((r) => [r.m, r.n]));
      const others = recent.filter((m) => m !== month(5)).map((m) => socialBy.get(m) ?? 0);
      const average = others.reduce((a, b) => a + b, 0) / others.length;
      expect(socialBy.get(month(5)) ?? 0).toBeGreaterThan(2.5 * average);
      const churn = await query<{ spike: number; rate: number; top: string }>(
        path,
        `SELECT substr(c.signup_date, 1, 7) = '${month(5)}' AND c.acquisition_channel = 'paid_social' AS spike,
                AVG(s.ended_on IS NOT NULL AND julianday(s.ended_on) - julianday(s.started_on) <= 60) AS rate
         FROM subscriptions s JOIN customers c ON c.id = s.customer_id GROUP BY spike ORDER BY spike`,
      );
      expect(churn[1]?.rate ?? 0).toBeGreaterThan(4 * (churn[0]?.rate ?? 1));
      const reasons = await query<{ churn_reason: string }>(
        path,
        `SELECT s.churn_reason FROM subscriptions s JOIN customers c ON c.id = s.customer_id
         WHERE c.acquisition_channel = 'paid_social' AND substr(c.signup_date, 1, 7) = '${month(5)}'
           AND s.churn_reason IS NOT NULL GROUP BY s.churn_reason ORDER BY COUNT(*) DESC LIMIT 1`,
      );
      expect(reasons[0]?.churn_reason).toBe('not what was advertised');

      // 2. European refunds surge three months before the anchor, mostly damaged in shipping.
      const refunds = await query<{ m: string; n: number; damaged: number }>(
        path,
        `SELECT substr(r.refunded_at, 1, 7) AS m, COUNT(*) AS n, SUM(r.reason = 'damaged in shipping') AS damaged
         FROM refunds r JOIN orders o ON o.id = r.order_id JOIN customers c ON c.id = o.customer_id
         JOIN countries co ON co.code = c.country_code WHERE co.region = 'Europe' GROUP BY m`,
      );
      const refundsBy = new Map(refunds.map((r) => [r.m, r]));
      const normal = recent.filter((m) => m !== month(3)).map((m) => refundsBy.get(m)?.n ?? 0);
      const surge = refundsBy.get(month(3));
      expect(surge?.n ?? 0).toBeGreaterThan((3 * normal.reduce((a, b) => a + b, 0)) / normal.length);
      expect(surge?.damaged ?? 0).toBeGreaterThan((surge?.n ?? 0) / 2);

      // 3. A best seller sold below cost.
      const top = await query<{ sku: string; name: string; unit_price: number; unit_cost: number }>(
        path,
        `SELECT p.sku, p.name, p.unit_price, p.unit_cost FROM order_items oi JOIN products p ON p.id = oi.product_id
         GROUP BY p.id ORDER BY SUM(oi.quantity) DESC LIMIT 5`,
      );
      const loss = top.find((p) => p.sku === 'GAD-0042');
      expect(loss?.name).toBe('Smart Widget Pro');
      expect(Number(loss?.unit_cost)).toBeGreaterThan(Number(loss?.unit_price));

      // Last month is busy.
      const last = await query<{ signups: number; orders: number }>(
        path,
        `SELECT (SELECT COUNT(*) FROM customers WHERE signup_date LIKE '${month(1)}%') AS signups,
                (SELECT COUNT(*) FROM orders WHERE ordered_at LIKE '${month(1)}%') AS orders`,
      );
      expect(last[0]?.signups ?? 0).toBeGreaterThan(100);
      expect(last[0]?.orders ?? 0).toBeGreaterThan(800);
    });
  }

  it('ensureDemoSqlite builds once per anchor date and is safe to call concurrently', async () => {
    const dataDir = join(dir, 'ensure');
    const lines: object[] = [];
    const logger = { info: (obj: object) => void lines.push(obj) };
    const morning = new Date('2026-03-01T08:00:00Z');
    const [a, b] = await Promise.all([
      ensureDemoSqlite({ dataDir, now: morning, logger }),
      ensureDemoSqlite({ dataDir, now: morning, logger }),
    ]);
    expect(a).toBe(join(dataDir, 'demo.sqlite'));
    expect(b).toBe(a);
    expect(lines).toHaveLength(1);
    const built = (await stat(a)).mtimeMs;
    await ensureDemoSqlite({ dataDir, now: new Date('2026-03-01T22:00:00Z'), logger });
    expect(lines).toHaveLength(1);
    expect((await stat(a)).mtimeMs).toBe(built);
    const meta = await query<{ key: string; value: string }>(a, 'SELECT key, value FROM sleuth_demo_meta');
    expect(Object.fromEntries(meta.map((r) => [r.key, r.value]))).toMatchObject({
      seed: '42',
      scale: '1',
      anchor: '2026-03-01',
      fingerprint: '42:1:2026-03-01:1',
    });
    await ensureDemoSqlite({ dataDir, now: new Date('2026-03-02T01:00:00Z'), logger });
    expect(lines).toHaveLength(2);
  });
});

describe('PostgreSQL and MariaDB loads', () => {
  const options = { seed: 42, scale: 1, anchor: ANCHOR };
  let expected: Record<string, number> = {};

  beforeAll(async () => {
    expected = (await loadDemoSqlite(join(dir, 'reference.sqlite'), options)).tables;
  });

  it('loads PostgreSQL with the same row counts as SQLite', async () => {
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'sleuth_helper_demo'");
      if (found.rowCount === 0) await admin.query('CREATE DATABASE sleuth_helper_demo');
    } finally {
      await admin.end();
    }
    const result = await loadDemoPostgres(PG_URL, options);
    expect(result.tables).toEqual(expected);
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (const table of DEMO_TABLES) {
        const counted = await client.query(`SELECT COUNT(*)::int AS n FROM ${table}`);
        expect(counted.rows[0].n).toBe(expected[table]);
      }
      const loss = await client.query("SELECT unit_price::text, unit_cost::text FROM products WHERE sku = 'GAD-0042'");
      expect(loss.rows[0]).toEqual({ unit_price: '89.00', unit_cost: '112.50' });
      const meta = await client.query("SELECT value FROM sleuth_demo_meta WHERE key = 'fingerprint'");
      expect(meta.rows[0].value).toBe(demoFingerprint(options));
    } finally {
      await client.end();
    }
  });

  it('loads MariaDB with the same row counts as SQLite', async () => {
    const server = await createConnection({ uri: MARIADB_SERVER_URL });
    try {
      await server.query('CREATE DATABASE IF NOT EXISTS sleuth_helper_demo CHARACTER SET utf8mb4');
    } finally {
      await server.end();
    }
    const result = await loadDemoMariadb(MARIADB_URL, options);
    expect(result.tables).toEqual(expected);
    const connection = await createConnection({ uri: MARIADB_URL });
    try {
      for (const table of DEMO_TABLES) {
        const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM ${table}`);
        expect(Number((rows as { n: number }[])[0]?.n)).toBe(expected[table]);
      }
      const [meta] = await connection.query("SELECT `value` FROM sleuth_demo_meta WHERE `key` = 'fingerprint'");
      expect((meta as { value: string }[])[0]?.value).toBe(demoFingerprint(options));
    } finally {
      await connection.end();
    }
  });
});

/**
 * A small fixture database per dialect for the access policy: customers with email and phone, orders, leads,
 * a `salaries` table, and views over them (one over salaries, one passing customers.email through, one filtering on
 * it, two harmless ones). Rebuilt by every test file that uses it, under its own database name.
 */
import type { SqlDialect } from '../../src/sql/index.js';
import { adminExec, ensureDatabase } from './databases.js';

export const FIXTURE_VIEWS = [
  'payroll',
  'customer_contacts',
  'gmail_customers',
  'customer_countries',
  'order_summary',
] as const;
export const FIXTURE_TABLES = ['orders', 'customers', 'salaries', 'leads'] as const;

/** Values the tests look for in outputs: they must never appear where the policy hides or masks them. */
export const SECRET_EMAIL = 'alice@example.com';
export const SECRET_SALARY = '987654';

function ddl(dialect: SqlDialect): string[] {
  const text = dialect === 'mariadb' ? 'VARCHAR(200)' : 'TEXT';
  const money = dialect === 'sqlite' ? 'REAL' : 'DECIMAL(12,2)';
  return [
    `CREATE TABLE customers (id INTEGER PRIMARY KEY, name ${text} NOT NULL, email ${text}, phone ${text}, country ${text})`,
    `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total ${money} NOT NULL)`,
    `CREATE TABLE leads (id INTEGER PRIMARY KEY, email ${text}, source ${text})`,
    `CREATE TABLE salaries (id INTEGER PRIMARY KEY, employee ${text} NOT NULL, amount ${money} NOT NULL)`,
    `INSERT INTO customers VALUES (1, 'Alice', '${SECRET_EMAIL}', '+49 30 1234567', 'DE'), (2, 'Bob', 'bob@gmail.com', NULL, 'FR'), (3, 'Chen', NULL, '+33 1 2345678', 'FR')`,
    'INSERT INTO orders VALUES (10, 1, 120.50), (11, 1, 80.00), (12, 2, 42.00), (13, 3, 300.00)',
    `INSERT INTO leads VALUES (1, 'bob@gmail.com', 'ads'), (2, 'dana@example.org', 'event')`,
    `INSERT INTO salaries VALUES (1, 'Erin', ${SECRET_SALARY}), (2, 'Frank', 55000)`,
    'CREATE VIEW payroll AS SELECT employee, amount FROM salaries',
    'CREATE VIEW customer_contacts AS SELECT id, name, email FROM customers',
    `CREATE VIEW gmail_customers AS SELECT id, name FROM customers WHERE email LIKE '%@gmail.com'`,
    'CREATE VIEW customer_countries AS SELECT id, country FROM customers',
    'CREATE VIEW order_summary AS SELECT o.id, o.total, c.country FROM orders o JOIN customers c ON c.id = o.customer_id',
  ];
}

/** (Re)creates the fixture in database `name` on `dialect` and returns its URL. */
export async function ensurePolicyFixture(dialect: SqlDialect, name: string): Promise<string> {
  const url = await ensureDatabase(dialect, name);
  const drops = [
    ...FIXTURE_VIEWS.map((v) => `DROP VIEW IF EXISTS ${v}`),
    ...FIXTURE_TABLES.map((t) => `DROP TABLE IF EXISTS ${t}`),
  ];
  await adminExec(dialect, url, [...drops, ...ddl(dialect)]);
  return url;
}

/** The policy most tests use: hide salaries, deny customers.email, mask customers.phone. */
export const FIXTURE_DATA_RULES = {
  tables: { deny: ['salaries'] },
  columns: { deny: ['customers.email'], mask: ['customers.phone'] },
};

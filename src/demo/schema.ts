/**
 * The demo schema as data: one spec per table (columns with meaning, keys, indexes), rendered per dialect by
 * ddl.ts. Column order here is the order of values in generated rows.
 */

export type DemoDialect = 'postgres' | 'mariadb' | 'sqlite';

export type ColumnType =
  | { kind: 'integer' }
  | { kind: 'smallint' }
  | { kind: 'char'; length: number }
  | { kind: 'varchar'; length: number }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'money' };

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable?: boolean;
  readonly references?: string;
  readonly comment: string;
}

export interface TableSpec {
  readonly name: string;
  readonly comment: string;
  readonly primaryKey: string;
  readonly columns: readonly ColumnSpec[];
  /** Single columns with a UNIQUE constraint. */
  readonly unique?: readonly string[];
  /** Secondary indexes (column lists). */
  readonly indexes: readonly (readonly string[])[];
}

const integer = { kind: 'integer' } as const;
const smallint = { kind: 'smallint' } as const;
const date = { kind: 'date' } as const;
const timestamp = { kind: 'timestamp' } as const;
const money = { kind: 'money' } as const;
const varchar = (length: number): ColumnType => ({ kind: 'varchar', length });

const id = (what: string): ColumnSpec => ({ name: 'id', type: integer, comment: `${what} id (starts at 1)` });

export const DEMO_TABLE_SPECS: readonly TableSpec[] = [
  {
    name: 'countries',
    comment: 'Countries customers sign up from, grouped into sales regions',
    primaryKey: 'code',
    columns: [
      { name: 'code', type: { kind: 'char', length: 2 }, comment: 'ISO 3166-1 alpha-2 country code' },
      { name: 'name', type: varchar(80), comment: 'country name' },
      { name: 'region', type: varchar(40), comment: "sales region: 'North America', 'Europe', 'APAC' or 'LATAM'" },
    ],
    indexes: [],
  },
  {
    name: 'campaigns',
    comment: 'Marketing campaigns; daily spend is in marketing_spend, attributed signups in customers.campaign_id',
    primaryKey: 'id',
    columns: [
      id('campaign'),
      { name: 'name', type: varchar(120), comment: 'campaign name' },
      {
        name: 'channel',
        type: varchar(40),
        comment:
          "marketing channel: 'paid_search', 'paid_social', 'email' or 'partner' (same values as customers.acquisition_channel)",
      },
      { name: 'started_on', type: date, comment: 'first day the campaign ran' },
      { name: 'ended_on', type: date, nullable: true, comment: 'last day the campaign ran; NULL while still running' },
      { name: 'budget', type: money, comment: 'total planned budget in USD' },
    ],
    indexes: [],
  },
  {
    name: 'products',
    comment: 'Product catalogue with current list price and unit cost',
    primaryKey: 'id',
    columns: [
      id('product'),
      { name: 'sku', type: varchar(20), comment: "stock keeping unit, e.g. 'GAD-0042'; unique" },
      { name: 'name', type: varchar(120), comment: 'product name' },
      { name: 'category', type: varchar(40), comment: 'product category' },
      { name: 'unit_price', type: money, comment: 'list price per unit in USD' },
      { name: 'unit_cost', type: money, comment: 'cost of goods per unit in USD; margin = unit_price - unit_cost' },
      { name: 'launched_on', type: date, comment: 'date the product went on sale' },
      { name: 'status', type: varchar(20), comment: "'active' or 'discontinued' (no longer sold)" },
    ],
    unique: ['sku'],
    indexes: [['category']],
  },
  {
    name: 'customers',
    comment: 'Customer accounts, one row per signup',
    primaryKey: 'id',
    columns: [
      id('customer'),
      { name: 'name', type: varchar(120), comment: 'customer (contact) full name' },
      { name: 'email', type: varchar(160), comment: 'contact email; unique' },
      { name: 'signup_date', type: date, comment: 'date the customer signed up' },
      {
        name: 'acquisition_channel',
        type: varchar(40),
        comment: "how the customer found us: 'organic', 'paid_search', 'paid_social', 'referral', 'partner' or 'email'",
      },
      { name: 'country_code', type: { kind: 'char', length: 2 }, references: 'countries', comment: 'country' },
      {
        name: 'plan',
        type: varchar(20),
        comment: "current plan: 'free', 'starter', 'pro' or 'enterprise' (see subscriptions for history)",
      },
      {
        name: 'campaign_id',
        type: integer,
        nullable: true,
        references: 'campaigns',
        comment: 'campaign the signup is attributed to; NULL for organic/referral or unattributed signups',
      },
      { name: 'created_at', type: timestamp, comment: 'timestamp the account was created' },
    ],
    unique: ['email'],
    indexes: [['signup_date'], ['country_code'], ['campaign_id']],
  },
  {
    name: 'subscriptions',
    comment: 'Paid subscriptions; a customer may upgrade from free later; churn is ended_on + churn_reason',
    primaryKey: 'id',
    columns: [
      id('subscription'),
      { name: 'customer_id', type: integer, references: 'customers', comment: 'subscribing customer' },
      { name: 'plan', type: varchar(20), comment: "'starter', 'pro' or 'enterprise'" },
      { name: 'mrr', type: money, comment: 'mrr: monthly recurring revenue in USD' },
      { name: 'started_on', type: date, comment: 'first day of the subscription' },
      { name: 'ended_on', type: date, nullable: true, comment: 'day the subscription was cancelled; NULL if active' },
      { name: 'status', type: varchar(20), comment: "'active' or 'cancelled'" },
      {
        name: 'churn_reason',
        type: varchar(80),
        nullable: true,
        comment: 'reason given when cancelling; NULL while active',
      },
    ],
    indexes: [['customer_id'], ['started_on']],
  },
  {
    name: 'orders',
    comment: 'Orders (one per checkout); totals are derived from order_items',
    primaryKey: 'id',
    columns: [
      id('order'),
      { name: 'customer_id', type: integer, references: 'customers', comment: 'ordering customer' },
      { name: 'ordered_at', type: timestamp, comment: 'checkout timestamp' },
      {
        name: 'status',
        type: varchar(20),
        comment: "'completed', 'cancelled', 'refunded' or 'pending'; revenue usually counts completed orders only",
      },
      {
        name: 'sales_channel',
        type: varchar(20),
        comment: "where the order was placed: 'web', 'mobile', 'partner' or 'sales'",
      },
      { name: 'subtotal', type: money, comment: 'sum of quantity * unit_price over the order items, USD' },
      { name: 'discount', type: money, comment: 'discount applied to the order, USD' },
      { name: 'total', type: money, comment: 'amount charged: subtotal - discount, USD' },
    ],
    indexes: [['customer_id'], ['ordered_at']],
  },
  {
    name: 'order_items',
    comment: 'Order lines: one product per line with the price and cost at the time of the order',
    primaryKey: 'id',
    columns: [
      id('order item'),
      { name: 'order_id', type: integer, references: 'orders', comment: 'order this line belongs to' },
      { name: 'product_id', type: integer, references: 'products', comment: 'product sold' },
      { name: 'quantity', type: integer, comment: 'units sold' },
      { name: 'unit_price', type: money, comment: 'price per unit charged, USD' },
      {
        name: 'unit_cost',
        type: money,
        comment: 'cost per unit, USD; gross margin = quantity * (unit_price - unit_cost)',
      },
    ],
    indexes: [['order_id'], ['product_id']],
  },
  {
    name: 'refunds',
    comment: 'Money returned to customers for refunded orders',
    primaryKey: 'id',
    columns: [
      id('refund'),
      { name: 'order_id', type: integer, references: 'orders', comment: 'refunded order' },
      { name: 'refunded_at', type: timestamp, comment: 'timestamp the refund was issued' },
      { name: 'amount', type: money, comment: 'amount refunded in USD (at most the order total)' },
      { name: 'reason', type: varchar(80), comment: "refund reason, e.g. 'damaged in shipping', 'changed mind'" },
    ],
    indexes: [['order_id'], ['refunded_at']],
  },
  {
    name: 'marketing_spend',
    comment: 'Daily spend and delivery per campaign, one row per campaign per day it ran',
    primaryKey: 'id',
    columns: [
      id('spend row'),
      { name: 'campaign_id', type: integer, references: 'campaigns', comment: 'campaign' },
      { name: 'spend_date', type: date, comment: 'day of the spend' },
      { name: 'amount', type: money, comment: 'amount spent that day in USD' },
      { name: 'impressions', type: integer, comment: 'ad impressions (or emails delivered) that day' },
      { name: 'clicks', type: integer, comment: 'clicks that day' },
    ],
    indexes: [['campaign_id', 'spend_date'], ['spend_date']],
  },
  {
    name: 'support_tickets',
    comment: 'Customer support tickets',
    primaryKey: 'id',
    columns: [
      id('ticket'),
      { name: 'customer_id', type: integer, references: 'customers', comment: 'customer who opened the ticket' },
      { name: 'opened_at', type: timestamp, comment: 'timestamp the ticket was opened' },
      { name: 'closed_at', type: timestamp, nullable: true, comment: 'timestamp it was closed; NULL if not closed' },
      {
        name: 'category',
        type: varchar(40),
        comment: "topic: 'billing', 'shipping', 'product', 'account', 'technical' or 'refund'",
      },
      { name: 'priority', type: varchar(20), comment: "'low', 'normal', 'high' or 'urgent'" },
      { name: 'status', type: varchar(20), comment: "'open', 'pending' (waiting on customer) or 'closed'" },
      {
        name: 'satisfaction',
        type: smallint,
        nullable: true,
        comment: 'CSAT score 1 (bad) to 5 (great) given after closing; NULL if not rated',
      },
      { name: 'subject', type: varchar(200), comment: 'ticket subject line' },
    ],
    indexes: [['customer_id'], ['opened_at']],
  },
];

/** Table names in load order (foreign keys point only to earlier tables). */
export const DEMO_TABLES: readonly string[] = Object.freeze(DEMO_TABLE_SPECS.map((t) => t.name));

export function tableSpec(name: string): TableSpec {
  const spec = DEMO_TABLE_SPECS.find((t) => t.name === name);
  if (!spec) throw new RangeError(`Unknown demo table "${name}".`);
  return spec;
}

export function columnNames(name: string): readonly string[] {
  return tableSpec(name).columns.map((c) => c.name);
}

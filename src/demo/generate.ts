/**
 * generateDemoData: the whole dataset as a stream of batches (at most BATCH_ROWS rows), table by table in load
 * order. Deterministic: the same seed, scale and anchor date always give identical values. Memory stays bounded at
 * any scale: only the compact customer index and the fixed reference data are held.
 */
import { marketingSpendRows, supportTicketRows } from './activity.js';
import type { DemoOptions } from './options.js';
import { orderStream } from './orders.js';
import { customerRows, subscriptionRows } from './people.js';
import { centsToAmount } from './random.js';
import { COUNTRIES } from './reference.js';
import { columnNames, DEMO_TABLES } from './schema.js';
import { buildWorld, type DemoWorld } from './world.js';

export const BATCH_ROWS = 5000;

export interface DemoBatch {
  table: string;
  rows: unknown[][];
  columns: readonly string[];
}

export function* generateDemoData(options: DemoOptions = {}): Generator<DemoBatch> {
  const world = buildWorld(options);
  for (const table of DEMO_TABLES) {
    const columns = columnNames(table);
    let rows: unknown[][] = [];
    for (const row of tableRows(world, table)) {
      rows.push(row);
      if (rows.length >= BATCH_ROWS) {
        yield { table, rows, columns };
        rows = [];
      }
    }
    if (rows.length > 0) yield { table, rows, columns };
  }
}

function tableRows(world: DemoWorld, table: string): Iterable<unknown[]> {
  switch (table) {
    case 'countries':
      return COUNTRIES.map((c) => [c.code, c.name, c.region]);
    case 'campaigns':
      return world.campaigns.map((c) => [
        c.id,
        c.name,
        c.channel,
        world.timeline.dates[c.startDay],
        c.endDay === null ? null : world.timeline.dates[c.endDay],
        centsToAmount(c.budgetCents),
      ]);
    case 'products':
      return world.products.map((p) => [
        p.id,
        p.sku,
        p.name,
        p.category,
        centsToAmount(p.priceCents),
        centsToAmount(p.costCents),
        world.timeline.dateOf(p.launchDay),
        Number.isFinite(p.endDay) ? 'discontinued' : 'active',
      ]);
    case 'customers':
      return customerRows(world);
    case 'subscriptions':
      return subscriptionRows(world);
    case 'orders':
      return orderRows(world);
    case 'order_items':
      return orderItemRows(world);
    case 'refunds':
      return refundRows(world);
    case 'marketing_spend':
      return marketingSpendRows(world);
    case 'support_tickets':
      return supportTicketRows(world);
    default:
      throw new RangeError(`No generator for demo table "${table}".`);
  }
}

function* orderRows(world: DemoWorld): Generator<unknown[]> {
  for (const o of orderStream(world)) {
    yield [
      o.id,
      o.customerId,
      world.timeline.timestamp(o.day, o.second),
      o.status,
      o.salesChannel,
      centsToAmount(o.subtotalCents),
      centsToAmount(o.discountCents),
      centsToAmount(o.subtotalCents - o.discountCents),
    ];
  }
}

function* orderItemRows(world: DemoWorld): Generator<unknown[]> {
  let id = 0;
  for (const o of orderStream(world)) {
    for (const item of o.items) {
      id++;
      yield [id, o.id, item.productId, item.quantity, centsToAmount(item.priceCents), centsToAmount(item.costCents)];
    }
  }
}

function* refundRows(world: DemoWorld): Generator<unknown[]> {
  let id = 0;
  for (const o of orderStream(world)) {
    if (!o.refund) continue;
    id++;
    const r = o.refund;
    yield [id, o.id, world.timeline.timestamp(r.day, r.second), centsToAmount(r.amountCents), r.reason];
  }
}

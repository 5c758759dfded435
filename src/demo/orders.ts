/**
 * Orders with their items and refunds, drawn as one deterministic stream. The stream is replayed once per table
 * (orders, order_items, refunds), so nothing is held in memory and all three tables agree exactly.
 * Story 2 (European refund surge) is planted here; story 3's product sells through the normal product mix.
 */
import { createRng, cumulative, type Rng } from './random.js';
import { BASE_COUNTS, customerEvents, type DemoWorld, secondOfDay } from './world.js';

export interface OrderItem {
  readonly productId: number;
  readonly quantity: number;
  readonly priceCents: number;
  readonly costCents: number;
}

export interface Refund {
  readonly day: number;
  readonly second: number;
  readonly amountCents: number;
  readonly reason: string;
}

export interface Order {
  readonly id: number;
  readonly customerId: number;
  readonly day: number;
  readonly second: number;
  readonly status: 'completed' | 'cancelled' | 'refunded' | 'pending';
  readonly salesChannel: string;
  readonly items: readonly OrderItem[];
  readonly subtotalCents: number;
  readonly discountCents: number;
  readonly refund: Refund | null;
}

const SALES_CHANNELS = ['web', 'mobile', 'partner', 'sales'];
const SALES_CHANNEL_WEIGHTS = cumulative([52, 33, 8, 7]);
const ITEM_COUNT_WEIGHTS = cumulative([30, 30, 20, 12, 8]);
const QUANTITY_WEIGHTS = cumulative([70, 18, 7, 3, 2]);
const REFUND_REASONS = [
  'changed mind',
  'defective',
  'wrong item',
  'late delivery',
  'damaged in shipping',
  'not as described',
];
const REFUND_REASON_WEIGHTS = cumulative([28, 20, 15, 14, 10, 13]);
const BASE_REFUND_RATE = 0.03;
const SURGE_REFUND_RATE = 0.16;

export function* orderStream(world: DemoWorld): Generator<Order> {
  const rng = createRng(world.options.seed, 'orders');
  const { timeline, customers, refundSurge } = world;
  let id = 0;
  for (const { day, second, customer } of customerEvents(rng, world, BASE_COUNTS.orders)) {
    const enterprise = customers.plan[customer] === 3;
    const salesChannel =
      enterprise && rng.chance(0.5) ? 'sales' : (SALES_CHANNELS[rng.weighted(SALES_CHANNEL_WEIGHTS)] ?? 'web');
    const items = drawItems(rng, world, day, salesChannel === 'sales');
    if (items.length === 0) continue;
    const subtotalCents = items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
    const holiday = timeline.dates[day]?.slice(5, 7) === '11' || timeline.dates[day]?.slice(5, 7) === '12';
    const discountCents = rng.chance(holiday ? 0.35 : 0.18)
      ? Math.round((subtotalCents * rng.pick([5, 10, 15, 20])) / 100)
      : 0;
    const totalCents = subtotalCents - discountCents;
    const inSurge = customers.europe[customer] === 1 && day >= refundSurge.from - 2 && day <= refundSurge.to - 6;
    let status: Order['status'] = 'completed';
    let refund: Refund | null = null;
    const daysLeft = timeline.days - day;
    if (daysLeft <= 3 && rng.chance(daysLeft === 1 ? 0.7 : 0.45)) status = 'pending';
    else if (rng.chance(0.04)) status = 'cancelled';
    else if (rng.chance(inSurge ? SURGE_REFUND_RATE : BASE_REFUND_RATE)) {
      // Story 2: European orders in the surge month come back, mostly damaged in shipping, within that month.
      const refundDay = inSurge ? Math.min(day + rng.int(2, 9), refundSurge.to - 1) : day + rng.int(2, 20);
      const reason =
        inSurge && rng.chance(0.8)
          ? 'damaged in shipping'
          : (REFUND_REASONS[rng.weighted(REFUND_REASON_WEIGHTS)] ?? '');
      const partial = rng.chance(0.2) && items.length > 1;
      const first = items[0];
      const amountCents = partial && first ? Math.min(totalCents, first.quantity * first.priceCents) : totalCents;
      if (refundDay < timeline.days) {
        status = 'refunded';
        refund = { day: refundDay, second: secondOfDay(rng), amountCents, reason };
      }
    }
    id++;
    yield {
      id,
      customerId: customer + 1,
      day,
      second,
      status,
      salesChannel,
      items,
      subtotalCents,
      discountCents,
      refund,
    };
  }
}

function drawItems(rng: Rng, world: DemoWorld, day: number, bulk: boolean): OrderItem[] {
  const wanted = rng.weighted(ITEM_COUNT_WEIGHTS) + 1 + (bulk ? rng.int(0, 2) : 0);
  const items: OrderItem[] = [];
  const seen = new Set<number>();
  for (let attempt = 0; attempt < wanted * 8 && items.length < wanted; attempt++) {
    const product = world.products[rng.weighted(world.productWeights)];
    if (!product || seen.has(product.id) || day < product.launchDay || day >= product.endDay) continue;
    seen.add(product.id);
    const quantity = (rng.weighted(QUANTITY_WEIGHTS) + 1) * (bulk ? rng.int(2, 10) : 1);
    items.push({ productId: product.id, quantity, priceCents: product.priceCents, costCents: product.costCents });
  }
  return items;
}

/** Daily marketing spend per campaign, and support tickets. */
import { centsToAmount, createRng, cumulative } from './random.js';
import type { CampaignChannel } from './reference.js';
import { BASE_COUNTS, customerEvents, type DemoWorld } from './world.js';

/** Cost per thousand impressions (cents) and click-through rate by channel. */
const DELIVERY: Record<CampaignChannel, { cpmCents: number; ctr: number }> = {
  paid_search: { cpmCents: 2400, ctr: 0.035 },
  paid_social: { cpmCents: 900, ctr: 0.009 },
  email: { cpmCents: 150, ctr: 0.022 },
  partner: { cpmCents: 1200, ctr: 0.012 },
};

export function* marketingSpendRows(world: DemoWorld): Generator<unknown[]> {
  const rng = createRng(world.options.seed, 'marketing_spend');
  const { timeline } = world;
  let id = 0;
  for (const campaign of world.campaigns) {
    const last = Math.min(campaign.endDay ?? timeline.days - 1, timeline.days - 1);
    const delivery = DELIVERY[campaign.channel];
    for (let day = campaign.startDay; day <= last; day++) {
      const weekday = (timeline.season[day] ?? 1) > 0.8 ? 1 : 0.8;
      const cents = Math.max(100, Math.round(campaign.dailyCents * weekday * (0.8 + 0.4 * rng.next())));
      const impressions = Math.round((cents / delivery.cpmCents) * 1000 * (0.85 + 0.3 * rng.next()));
      const ctr = delivery.ctr * (campaign.viral ? 2.8 : 1) * (0.75 + 0.5 * rng.next());
      id++;
      yield [id, campaign.id, timeline.dates[day], centsToAmount(cents), impressions, Math.round(impressions * ctr)];
    }
  }
}

const CATEGORIES = ['billing', 'shipping', 'product', 'account', 'technical', 'refund'];
const CATEGORY_WEIGHTS = cumulative([22, 20, 20, 12, 16, 10]);
const SURGE_CATEGORY_WEIGHTS = cumulative([8, 50, 8, 4, 5, 25]);
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const PRIORITY_WEIGHTS = cumulative([30, 48, 16, 6]);
/** Typical hours to close, by priority. */
const RESOLUTION_HOURS = [96, 40, 16, 6];
const SATISFACTION_WEIGHTS = cumulative([8, 8, 14, 28, 42]); // scores 1..5
const UNHAPPY_SATISFACTION_WEIGHTS = cumulative([30, 22, 20, 16, 12]);
const SUBJECTS: Record<string, string[]> = {
  billing: [
    'Charged twice for my order',
    'Question about my invoice',
    'Update payment method',
    'Unexpected charge on my card',
    'Plan price is different from the ad',
  ],
  shipping: [
    'Where is my order?',
    'Package arrived damaged',
    'Delivery delayed',
    'Wrong shipping address',
    'Tracking number not working',
  ],
  product: ['How do I set up my device?', 'Product stopped working', 'Missing parts in box', 'Compatibility question'],
  account: ['Cannot log in', 'Reset password', 'Change account email', 'Delete my account', 'Add a team member'],
  technical: [
    'App crashes on startup',
    'Sync is not working',
    'Error when exporting data',
    'Integration setup help',
    'Slow performance',
  ],
  refund: ['Request a refund', 'Status of my refund', 'Return label request', 'Refund amount is wrong'],
};

export function* supportTicketRows(world: DemoWorld): Generator<unknown[]> {
  const rng = createRng(world.options.seed, 'support_tickets');
  const { timeline, customers, refundSurge } = world;
  const endSecond = timeline.days * 86_400;
  let id = 0;
  for (const { day, second, customer } of customerEvents(rng, world, BASE_COUNTS.tickets)) {
    const surge = customers.europe[customer] === 1 && day >= refundSurge.from && day < refundSurge.to;
    const viralEarly = customers.viral[customer] === 1 && day - (customers.signupDay[customer] ?? 0) < 60;
    const category =
      viralEarly && rng.chance(0.5)
        ? 'billing'
        : (CATEGORIES[rng.weighted(surge ? SURGE_CATEGORY_WEIGHTS : CATEGORY_WEIGHTS)] ?? 'product');
    const priorityIndex = rng.weighted(PRIORITY_WEIGHTS);
    const opened = day * 86_400 + second;
    const hours = (RESOLUTION_HOURS[priorityIndex] ?? 40) * Math.exp(0.8 * rng.normal());
    const closed = opened + Math.round(hours * 3600);
    let status = 'closed';
    let closedAt: string | null = null;
    let satisfaction: number | null = null;
    if (closed >= endSecond) status = rng.chance(0.6) ? 'open' : 'pending';
    else if (rng.chance(0.015)) status = 'pending';
    else {
      closedAt = timeline.timestamp(Math.floor(closed / 86_400), closed % 86_400);
      if (rng.chance(0.65)) {
        const unhappy = surge || viralEarly || hours > 120;
        satisfaction = rng.weighted(unhappy ? UNHAPPY_SATISFACTION_WEIGHTS : SATISFACTION_WEIGHTS) + 1;
      }
    }
    id++;
    yield [
      id,
      customer + 1,
      timeline.timestamp(day, second),
      closedAt,
      category,
      PRIORITIES[priorityIndex],
      status,
      satisfaction,
      rng.pick(SUBJECTS[category] ?? ['Question']),
    ];
  }
}

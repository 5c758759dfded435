/**
 * The generator's shared state: options, timeline, reference data, the planted stories' date ranges and a compact
 * per-customer index (typed columns, no row objects) that orders, subscriptions and tickets draw from.
 */
import { type DemoOptions, type ResolvedDemoOptions, resolveDemoOptions } from './options.js';
import { createRng, cumulative, type Rng } from './random.js';
import {
  buildCampaigns,
  buildProducts,
  CAMPAIGN_CHANNELS,
  type Campaign,
  COUNTRIES,
  COUNTRY_WEIGHTS,
  type Product,
} from './reference.js';
import { createTimeline, type MonthRange, type Timeline } from './timeline.js';

export const ACQUISITION_CHANNELS = ['organic', 'paid_search', 'paid_social', 'referral', 'partner', 'email'] as const;
const CHANNEL_WEIGHTS = cumulative([30, 22, 14, 12, 10, 12]);
const PAID_SOCIAL = 2;

export const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
const PLAN_WEIGHTS = cumulative([42, 30, 22, 6]);
const PARTNER_PLAN_WEIGHTS = cumulative([20, 30, 30, 20]);
const VIRAL_PLAN_WEIGHTS = cumulative([25, 60, 15, 0]);

/** Base sizes at scale 1. */
export const BASE_COUNTS = { customers: 5000, orders: 25_000, tickets: 6000 } as const;

export interface CustomerIndex {
  readonly count: number;
  readonly signupDay: Int32Array;
  readonly createdSecond: Int32Array;
  readonly channel: Uint8Array;
  readonly country: Uint8Array;
  readonly plan: Uint8Array;
  /** 0 = no campaign. */
  readonly campaignId: Int32Array;
  readonly viral: Uint8Array;
  readonly europe: Uint8Array;
  /** signedUpBefore[d] = number of customers whose signup day is < d (customers are in signup order). */
  readonly signedUpBefore: Int32Array;
}

export interface DemoWorld {
  readonly options: ResolvedDemoOptions;
  readonly timeline: Timeline;
  readonly products: readonly Product[];
  readonly productWeights: Float64Array;
  readonly campaigns: readonly Campaign[];
  /** Story 1: the month paid_social signups spike (5 months before the anchor's month). */
  readonly spike: MonthRange;
  /** Story 2: the month European refunds surge (3 months before the anchor's month). */
  readonly refundSurge: MonthRange;
  readonly customers: CustomerIndex;
}

export function buildWorld(input: DemoOptions): DemoWorld {
  const options = resolveDemoOptions(input);
  const timeline = createTimeline(options.anchor);
  const spike = timeline.monthBefore(5);
  const refundSurge = timeline.monthBefore(3);
  const products = buildProducts(options.seed, timeline);
  const campaigns = buildCampaigns(options.seed, timeline, spike);
  const customers = buildCustomerIndex(options, timeline, campaigns, spike);
  return {
    options,
    timeline,
    products,
    productWeights: cumulative(products.map((p) => p.popularity)),
    campaigns,
    spike,
    refundSurge,
    customers,
  };
}

/** Per-day expected counts following growth and seasonality, normalised to `total`. */
export function dailyTargets(timeline: Timeline, total: number, base?: Int32Array): Float64Array {
  const raw = new Float64Array(timeline.days);
  let sum = 0;
  for (let d = 0; d < timeline.days; d++) {
    const size = base ? (base[d] ?? 0) ** 0.85 : (timeline.growth[d] ?? 1);
    raw[d] = size * (timeline.season[d] ?? 1);
    sum += raw[d] ?? 0;
  }
  for (let d = 0; d < timeline.days; d++) raw[d] = sum > 0 ? ((raw[d] ?? 0) * total) / sum : 0;
  return raw;
}

/** A second of the day, weighted towards office hours and evenings. */
export function secondOfDay(rng: Rng): number {
  const hour = Math.min(23, Math.max(0, Math.round(14 + 4.5 * rng.normal())));
  return hour * 3600 + rng.int(0, 3599);
}

/** Picks a customer who signed up before `day`: half uniformly, half biased towards recent signups. Returns 0-based. */
export function pickCustomer(rng: Rng, customers: CustomerIndex, day: number): number {
  const available = customers.signedUpBefore[day] ?? 0;
  if (available === 0) return -1;
  const u = rng.chance(0.5) ? rng.next() : Math.sqrt(rng.next());
  return Math.min(available - 1, Math.floor(u * available));
}

function buildCustomerIndex(
  options: ResolvedDemoOptions,
  timeline: Timeline,
  campaigns: readonly Campaign[],
  spike: MonthRange,
): CustomerIndex {
  const rng = createRng(options.seed, 'customers.index');
  const targets = dailyTargets(timeline, BASE_COUNTS.customers * options.scale);
  const active = activeCampaignsByDay(campaigns, timeline.days);
  const viral = campaigns.find((c) => c.viral);
  const cols = { day: [] as number[], sec: [] as number[], channel: [] as number[], country: [] as number[] };
  const more = { plan: [] as number[], campaign: [] as number[], viral: [] as number[] };
  const signedUpBefore = new Int32Array(timeline.days + 1);

  for (let d = 0; d < timeline.days; d++) {
    signedUpBefore[d] = cols.day.length;
    const lambda = targets[d] ?? 0;
    const regular = rng.poisson(lambda);
    // Story 1: the viral campaign adds about three times the usual paid_social signups during its month.
    const extra = viral && d >= spike.from && d < spike.to ? rng.poisson(3 * lambda * 0.14) : 0;
    const seconds: number[] = [];
    for (let i = 0; i < regular + extra; i++) seconds.push(secondOfDay(rng));
    const isExtra = seconds.map((_, i) => i >= regular);
    // Keep created_at ascending within the day while mixing regular and viral signups.
    const order = seconds.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s || a.i - b.i);
    for (const { s, i } of order) {
      const fromViral = isExtra[i] === true;
      const channel = fromViral ? PAID_SOCIAL : rng.weighted(CHANNEL_WEIGHTS);
      const channelName = ACQUISITION_CHANNELS[channel] ?? 'organic';
      let campaignId = 0;
      if (fromViral) campaignId = viral?.id ?? 0;
      else {
        const candidates = active.get(channelName)?.[d];
        if (candidates && candidates.length > 0 && rng.chance(0.85)) campaignId = rng.pick(candidates);
      }
      const planWeights = fromViral
        ? VIRAL_PLAN_WEIGHTS
        : channelName === 'partner'
          ? PARTNER_PLAN_WEIGHTS
          : PLAN_WEIGHTS;
      cols.day.push(d);
      cols.sec.push(s);
      cols.channel.push(channel);
      cols.country.push(rng.weighted(COUNTRY_WEIGHTS));
      more.plan.push(rng.weighted(planWeights));
      more.campaign.push(campaignId);
      more.viral.push(fromViral ? 1 : 0);
    }
  }
  signedUpBefore[timeline.days] = cols.day.length;
  const europe = Uint8Array.from(cols.country, (c) => (COUNTRIES[c]?.region === 'Europe' ? 1 : 0));
  return {
    count: cols.day.length,
    signupDay: Int32Array.from(cols.day),
    createdSecond: Int32Array.from(cols.sec),
    channel: Uint8Array.from(cols.channel),
    country: Uint8Array.from(cols.country),
    plan: Uint8Array.from(more.plan),
    campaignId: Int32Array.from(more.campaign),
    viral: Uint8Array.from(more.viral),
    europe,
    signedUpBefore,
  };
}

/** For each campaign channel, the ids of the (non-viral) campaigns running on each day. */
function activeCampaignsByDay(campaigns: readonly Campaign[], days: number): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const channel of CAMPAIGN_CHANNELS)
    out.set(
      channel,
      Array.from({ length: days }, () => []),
    );
  for (const campaign of campaigns) {
    if (campaign.viral) continue;
    const perDay = out.get(campaign.channel);
    const last = Math.min(campaign.endDay ?? days - 1, days - 1);
    for (let d = campaign.startDay; d <= last; d++) perDay?.[d]?.push(campaign.id);
  }
  return out;
}

/**
 * Customer activity events (orders, tickets) in time order: a Poisson count per day around the day's target, at
 * random seconds, each from a customer who had signed up by then. Lazy, so the caller's own draws from `rng`
 * interleave with these exactly as if the loop were written inline (the data stays byte-identical).
 */
export function* customerEvents(
  rng: Rng,
  world: DemoWorld,
  baseCount: number,
): Generator<{ day: number; second: number; customer: number }> {
  const { timeline, customers } = world;
  const targets = dailyTargets(timeline, baseCount * world.options.scale, customers.signedUpBefore);
  for (let day = 0; day < timeline.days; day++) {
    const count = rng.poisson(targets[day] ?? 0);
    const seconds: number[] = [];
    for (let i = 0; i < count; i++) seconds.push(secondOfDay(rng));
    seconds.sort((a, b) => a - b);
    for (const second of seconds) {
      const customer = pickCustomer(rng, customers, day);
      if (customer >= 0) yield { day, second, customer };
    }
  }
}

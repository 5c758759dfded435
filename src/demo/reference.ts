/**
 * Fixed-size reference data: countries, products and campaigns. These do not grow with the scale; they depend only
 * on the seed and the timeline. Story 3 (a best-selling product sold below cost) and story 1's campaign live here.
 */
import { createRng, cumulative } from './random.js';
import type { MonthRange, Timeline } from './timeline.js';

export interface Country {
  readonly code: string;
  readonly name: string;
  readonly region: 'North America' | 'Europe' | 'APAC' | 'LATAM';
  readonly weight: number;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', name: 'United States', region: 'North America', weight: 30 },
  { code: 'CA', name: 'Canada', region: 'North America', weight: 6 },
  { code: 'GB', name: 'United Kingdom', region: 'Europe', weight: 8 },
  { code: 'DE', name: 'Germany', region: 'Europe', weight: 7 },
  { code: 'FR', name: 'France', region: 'Europe', weight: 5 },
  { code: 'NL', name: 'Netherlands', region: 'Europe', weight: 3 },
  { code: 'ES', name: 'Spain', region: 'Europe', weight: 3 },
  { code: 'IT', name: 'Italy', region: 'Europe', weight: 3 },
  { code: 'SE', name: 'Sweden', region: 'Europe', weight: 2 },
  { code: 'IE', name: 'Ireland', region: 'Europe', weight: 1.5 },
  { code: 'PL', name: 'Poland', region: 'Europe', weight: 1.5 },
  { code: 'AU', name: 'Australia', region: 'APAC', weight: 4 },
  { code: 'JP', name: 'Japan', region: 'APAC', weight: 3 },
  { code: 'SG', name: 'Singapore', region: 'APAC', weight: 2 },
  { code: 'IN', name: 'India', region: 'APAC', weight: 4 },
  { code: 'NZ', name: 'New Zealand', region: 'APAC', weight: 1 },
  { code: 'BR', name: 'Brazil', region: 'LATAM', weight: 4 },
  { code: 'MX', name: 'Mexico', region: 'LATAM', weight: 3 },
  { code: 'AR', name: 'Argentina', region: 'LATAM', weight: 1.5 },
  { code: 'CO', name: 'Colombia', region: 'LATAM', weight: 1 },
  { code: 'CL', name: 'Chile', region: 'LATAM', weight: 1 },
];

export const COUNTRY_WEIGHTS = cumulative(COUNTRIES.map((c) => c.weight));

export interface Product {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly priceCents: number;
  readonly costCents: number;
  readonly launchDay: number;
  /** Day sales stop (exclusive); Infinity while active. */
  readonly endDay: number;
  readonly popularity: number;
}

/** Story 3: sold below cost, yet one of the best sellers. */
export const LOSS_LEADER = { id: 42, sku: 'GAD-0042', name: 'Smart Widget Pro', priceCents: 8900, costCents: 11250 };

interface Category {
  readonly name: string;
  readonly prefix: string;
  readonly price: [number, number];
  readonly costRatio: [number, number];
  readonly adjectives: readonly string[];
  readonly nouns: readonly string[];
}

// 20 products per category, in id blocks: ids 41-60 are Gadgets, so GAD-0042 is a gadget.
const CATEGORIES: readonly Category[] = [
  {
    name: 'Accessories',
    prefix: 'ACC',
    price: [9, 59],
    costRatio: [0.3, 0.55],
    adjectives: ['Classic', 'Slim', 'Travel', 'Premium', 'Everyday'],
    nouns: ['Case', 'Strap', 'Cable', 'Stand', 'Sleeve', 'Mount'],
  },
  {
    name: 'Home',
    prefix: 'HOM',
    price: [19, 149],
    costRatio: [0.4, 0.65],
    adjectives: ['Cozy', 'Nordic', 'Bright', 'Quiet', 'Modern'],
    nouns: ['Lamp', 'Diffuser', 'Blanket', 'Kettle', 'Planter', 'Clock'],
  },
  {
    name: 'Gadgets',
    prefix: 'GAD',
    price: [29, 249],
    costRatio: [0.45, 0.7],
    adjectives: ['Smart', 'Mini', 'Ultra', 'Nano', 'Turbo'],
    nouns: ['Tracker', 'Hub', 'Speaker', 'Charger', 'Sensor', 'Remote'],
  },
  {
    name: 'Software',
    prefix: 'SFT',
    price: [5, 99],
    costRatio: [0.08, 0.25],
    adjectives: ['Cloud', 'Secure', 'Team', 'Personal', 'Studio'],
    nouns: ['Backup', 'Vault', 'Planner', 'Editor', 'Analytics', 'Sync'],
  },
  {
    name: 'Office',
    prefix: 'OFF',
    price: [4, 79],
    costRatio: [0.35, 0.6],
    adjectives: ['Ergo', 'Compact', 'Executive', 'Desk', 'Focus'],
    nouns: ['Notebook', 'Chair Pad', 'Organizer', 'Pen Set', 'Monitor Riser', 'Whiteboard'],
  },
  {
    name: 'Outdoor',
    prefix: 'OUT',
    price: [15, 199],
    costRatio: [0.4, 0.65],
    adjectives: ['Trail', 'Summit', 'Coastal', 'Rugged', 'Alpine'],
    nouns: ['Bottle', 'Backpack', 'Lantern', 'Hammock', 'Cooler', 'Tent'],
  },
];

const PRODUCTS_PER_CATEGORY = 20;

export function buildProducts(seed: number, timeline: Timeline): Product[] {
  const rng = createRng(seed, 'products');
  const products: Product[] = [];
  const usedNames = new Set<string>([LOSS_LEADER.name]);
  CATEGORIES.forEach((category, c) => {
    for (let k = 0; k < PRODUCTS_PER_CATEGORY; k++) {
      const id = c * PRODUCTS_PER_CATEGORY + k + 1;
      const sku = `${category.prefix}-${String(id).padStart(4, '0')}`;
      let name = '';
      for (let attempt = 0; attempt < 50 && (name === '' || usedNames.has(name)); attempt++) {
        const suffix = attempt < 10 ? '' : ` ${rng.pick(['2', 'Plus', 'Max', 'Go', 'X'])}`;
        name = `${rng.pick(category.adjectives)} ${rng.pick(category.nouns)}${suffix}`;
      }
      if (usedNames.has(name)) name = `${name} ${sku}`;
      usedNames.add(name);
      const price = rng.int(category.price[0], category.price[1]) * 100 - (rng.chance(0.7) ? 1 : 0);
      const ratio = category.costRatio[0] + rng.next() * (category.costRatio[1] - category.costRatio[0]);
      const launchedEarly = rng.chance(0.7);
      const launchDay = launchedEarly ? -rng.int(30, 900) : rng.int(30, timeline.days - 90);
      const discontinued = rng.chance(0.1) && launchDay < timeline.days - 400;
      const endDay = discontinued
        ? rng.int(Math.max(launchDay + 180, 60), timeline.days - 30)
        : Number.POSITIVE_INFINITY;
      // Zipf-like popularity so a few products dominate.
      const popularity = 1 / (1 + rng.int(0, 119)) ** 0.8;
      products.push({
        id,
        sku,
        name,
        category: category.name,
        priceCents: price,
        costCents: Math.round(price * ratio),
        launchDay,
        endDay,
        popularity,
      });
    }
  });
  const loss = products[LOSS_LEADER.id - 1];
  if (loss) {
    products[LOSS_LEADER.id - 1] = {
      ...loss,
      name: LOSS_LEADER.name,
      priceCents: LOSS_LEADER.priceCents,
      costCents: LOSS_LEADER.costCents,
      launchDay: timeline.days - 540,
      endDay: Number.POSITIVE_INFINITY,
      popularity: 0.7,
    };
  }
  return products;
}

export interface Campaign {
  id: number;
  readonly name: string;
  readonly channel: CampaignChannel;
  readonly startDay: number;
  /** Last day (inclusive) it ran, or null while running (it then runs to the end of the history). */
  readonly endDay: number | null;
  readonly budgetCents: number;
  /** Planned spend per day in cents. */
  readonly dailyCents: number;
  readonly viral: boolean;
}

export const CAMPAIGN_CHANNELS = ['paid_search', 'paid_social', 'email', 'partner'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

const CAMPAIGN_SHAPE: Record<CampaignChannel, { length: [number, number]; daily: number; themes: string[] }> = {
  paid_search: {
    length: [90, 180],
    daily: 320,
    themes: ['Brand Search', 'Competitor Keywords', 'Generic Search', 'Shopping Ads'],
  },
  paid_social: {
    length: [60, 150],
    daily: 260,
    themes: ['Lookalike Audiences', 'Retargeting', 'Creator Collab', 'Video Awareness'],
  },
  email: { length: [30, 90], daily: 45, themes: ['Newsletter', 'Win-back', 'Holiday Promo', 'Onboarding Drip'] },
  partner: { length: [120, 240], daily: 140, themes: ['Affiliate Program', 'Reseller Push', 'Marketplace Listing'] },
};

export function seasonName(month: number): string {
  return ['Winter', 'Spring', 'Summer', 'Fall'][Math.floor(((month + 1) % 12) / 3)] ?? 'Summer';
}

/** Campaigns sorted by start day, ids from 1; includes story 1's viral paid_social campaign. */
export function buildCampaigns(seed: number, timeline: Timeline, spike: MonthRange): Campaign[] {
  const rng = createRng(seed, 'campaigns');
  const out: Campaign[] = [];
  for (const channel of CAMPAIGN_CHANNELS) {
    const shape = CAMPAIGN_SHAPE[channel];
    let day = rng.int(0, 30);
    while (day < timeline.days - 7) {
      const length = rng.int(shape.length[0], shape.length[1]);
      const last = day + length - 1;
      const month = timeline.dateOf(day);
      const quarter = Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1;
      const daily = Math.round(shape.daily * (0.7 + rng.next() * 0.6) * (timeline.growth[day] ?? 1)) * 100;
      out.push({
        id: 0,
        name: `${rng.pick(shape.themes)} Q${quarter} ${month.slice(0, 4)}`,
        channel,
        startDay: day,
        endDay: last < timeline.days ? last : null,
        budgetCents: Math.round((daily * length) / 10_000) * 10_000,
        dailyCents: daily,
        viral: false,
      });
      day = last + 1 + rng.int(0, 20);
    }
  }
  out.push({
    id: 0,
    name: `Viral ${seasonName(spike.month)} Push`,
    channel: 'paid_social',
    startDay: spike.from,
    endDay: spike.to - 1,
    budgetCents: 4_500_000,
    dailyCents: Math.round(4_500_000 / Math.max(1, spike.to - spike.from)),
    viral: true,
  });
  out.sort((a, b) => a.startDay - b.startDay || a.channel.localeCompare(b.channel));
  out.forEach((campaign, i) => {
    campaign.id = i + 1;
  });
  return out;
}

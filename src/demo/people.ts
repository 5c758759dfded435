/** Customer rows and subscriptions (story 1's churn lives here). */
import { centsToAmount, createRng, type Rng } from './random.js';
import { COUNTRIES } from './reference.js';
import { ACQUISITION_CHANNELS, type DemoWorld, PLANS } from './world.js';

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Lucas',
  'Sofia',
  'Mateo',
  'Mia',
  'Leo',
  'Amelia',
  'Ethan',
  'Hannah',
  'Jonas',
  'Chloe',
  'Hugo',
  'Isla',
  'Arjun',
  'Priya',
  'Kenji',
  'Yuki',
  'Camila',
  'Diego',
  'Lena',
  'Felix',
  'Zoe',
  'Omar',
  'Aisha',
  'Mark',
  'Sarah',
  'David',
  'Laura',
  'Tom',
  'Nina',
  'Ravi',
  'Elena',
  'Marco',
  'Julia',
  'Sam',
  'Ines',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Garcia',
  'Müller',
  'Martin',
  'Rossi',
  'Silva',
  'Tanaka',
  'Kim',
  'Nguyen',
  'Brown',
  'Jones',
  'Schmidt',
  'Dubois',
  'Lopez',
  'Andersson',
  'Kowalski',
  'Murphy',
  'Patel',
  'Singh',
  'Sato',
  'Wilson',
  'Taylor',
  'Moreau',
  'Fischer',
  'Romero',
  'Costa',
  'Walsh',
  'Chen',
  'Lee',
  'Novak',
  'Berg',
  'Clarke',
  'Evans',
  'Reyes',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];

export function* customerRows(world: DemoWorld): Generator<unknown[]> {
  const rng = createRng(world.options.seed, 'customers.rows');
  const { customers: c, timeline } = world;
  for (let i = 0; i < c.count; i++) {
    const id = i + 1;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = `${first}.${last}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    const day = c.signupDay[i] ?? 0;
    const campaignId = c.campaignId[i] ?? 0;
    yield [
      id,
      `${first} ${last}`,
      `${local}${id}@${rng.pick(EMAIL_DOMAINS)}`,
      timeline.dates[day],
      ACQUISITION_CHANNELS[c.channel[i] ?? 0],
      COUNTRIES[c.country[i] ?? 0]?.code,
      PLANS[c.plan[i] ?? 0],
      campaignId === 0 ? null : campaignId,
      timeline.timestamp(day, c.createdSecond[i] ?? 0),
    ];
  }
}

const CHURN_REASONS = [
  'too expensive',
  'missing features',
  'switched to competitor',
  'no longer needed',
  'poor support',
];
/** Mean subscription lifetime in days by plan index (starter, pro, enterprise). */
const MEAN_LIFETIME = [0, 720, 1000, 1600];

export function* subscriptionRows(world: DemoWorld): Generator<unknown[]> {
  const rng = createRng(world.options.seed, 'subscriptions');
  const { customers: c, timeline } = world;
  let id = 0;
  for (let i = 0; i < c.count; i++) {
    const signup = c.signupDay[i] ?? 0;
    let plan = c.plan[i] ?? 0;
    let start = signup;
    if (plan === 0) {
      // Some free customers convert to a paid plan later.
      if (!rng.chance(0.18)) continue;
      start = signup + rng.int(7, 180);
      plan = rng.chance(0.7) ? 1 : 2;
      if (start >= timeline.days) continue;
    }
    const viral = c.viral[i] === 1;
    let end: number | null = null;
    let reason: string | null = null;
    if (viral && rng.chance(0.75)) {
      // Story 1: the viral campaign's signups mostly cancel within 60 days.
      end = start + rng.int(4, 58);
      reason = rng.chance(0.8) ? 'not what was advertised' : rng.pick(CHURN_REASONS);
    } else {
      const lifetime = Math.max(1, Math.round(-Math.log(1 - rng.next()) * (MEAN_LIFETIME[plan] ?? 900)));
      end = start + lifetime;
      reason = rng.pick(CHURN_REASONS);
    }
    if (end >= timeline.days) {
      end = null;
      reason = null;
    }
    id++;
    yield [
      id,
      i + 1,
      PLANS[plan],
      centsToAmount(mrrCents(rng, plan)),
      timeline.dates[start],
      end === null ? null : timeline.dates[end],
      end === null ? 'active' : 'cancelled',
      reason,
    ];
  }
}

function mrrCents(rng: Rng, plan: number): number {
  if (plan === 1) return rng.chance(0.3) ? 2400 : 2900; // annual billing is cheaper per month
  if (plan === 2) return rng.chance(0.3) ? 7900 : 9900;
  return rng.int(8, 50) * 5000;
}

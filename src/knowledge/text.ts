/**
 * Text normalisation shared by lexical retrieval and the FAQ matcher: lower case, phrase synonyms to one canonical
 * word ("sign ups", "new customers", "registrations" -> signup), a light stemmer, and stop words. Deterministic and
 * dependency-free so the FAQ tier behaves the same on every machine.
 */

/** Phrase -> canonical token. Longer phrases are applied first. Canonical tokens are single words. */
const BUILT_IN_SYNONYMS: Record<string, readonly string[]> = {
  signup: [
    'acquire',
    'acquiring',
    'acquired',
    'sign ups',
    'sign up',
    'signups',
    'signed up',
    'signing up',
    'registrations',
    'registration',
    'registered',
    'new customers',
    'new customer',
    'new users',
    'new user',
    'new accounts',
    'new account',
    'new sign ups',
    'joined',
    'onboarded',
    'acquired customers',
    'customer acquisition',
    'customers acquired',
    'sign-ups',
  ],
  mrr: ['monthly recurring revenue', 'mrr'],
  arr: ['annual recurring revenue', 'annualized recurring revenue', 'arr'],
  aov: ['average order value', 'average order size', 'avg order value', 'average basket size', 'average basket', 'aov'],
  churn: [
    'lost subscriptions',
    'lose',
    'lost',
    'losing',
    'churned',
    'churning',
    'churns',
    'cancelled subscriptions',
    'canceled subscriptions',
    'subscription cancellations',
    'lost customers',
    'customers lost',
    'customers we lost',
    'attrition',
  ],
  revenue: [
    'bring in',
    'brought in',
    'brings in',
    'bringing in',
    'generated',
    'generate',
    'grossing',
    'sell',
    'selling',
    'sold',
    'revenue',
    'revenues',
    'sales',
    'income',
    'turnover',
    'gmv',
    'money',
    'earned',
    'earnings',
    'made',
    'sold for',
  ],
  order: ['orders', 'order', 'purchases', 'purchase', 'checkouts', 'checkout', 'transactions', 'transaction', 'bought'],
  customer: [
    'customers',
    'customer',
    'clients',
    'client',
    'users',
    'user',
    'accounts',
    'account',
    'buyers',
    'buyer',
    'shoppers',
  ],
  country: ['countries', 'country', 'nation', 'nations', 'market', 'markets', 'geography', 'geo'],
  region: ['regions', 'region', 'continent'],
  channel: [
    'acquisition channels',
    'acquisition channel',
    'channels',
    'channel',
    'acquisition source',
    'traffic source',
    'source',
    'sources',
  ],
  product: ['products', 'product', 'items', 'item', 'skus', 'sku', 'goods'],
  category: ['categories', 'category', 'product line', 'product lines'],
  top: [
    'top',
    'best',
    'best selling',
    'best-selling',
    'highest',
    'largest',
    'biggest',
    'leading',
    'most popular',
    'most',
  ],
  average: ['average', 'avg', 'mean'],
  count: ['how many', 'number of', 'count of', 'count', 'total number', 'volume of'],
  total: ['total', 'overall', 'sum of', 'in total', 'altogether'],
  monthly: [
    'per month',
    'by month',
    'each month',
    'every month',
    'month by month',
    'month over month',
    'monthly',
    'months',
    'over time',
    'trend',
    'trending',
  ],
  weekly: ['per week', 'by week', 'each week', 'every week', 'week by week', 'week over week', 'weekly'],
  daily: ['per day', 'by day', 'each day', 'every day', 'day by day', 'daily'],
  by: [
    'split of',
    'split',
    'breakdown of',
    'breakdown',
    'broken down',
    'distribution of',
    'distribution',
    'mix',
    'by',
    'per',
    'broken down by',
    'breakdown by',
    'split by',
    'grouped by',
    'for each',
    'across',
    'each',
  ],
  refund: ['refunds', 'refund', 'refunded', 'money back', 'returns', 'returned'],
  spend: [
    'ads',
    'advertising',
    'adverts',
    'ad',
    'spend',
    'spent',
    'spending',
    'ad spend',
    'marketing spend',
    'cost of marketing',
    'budget spent',
  ],
  campaign: ['campaigns', 'campaign'],
  discount: ['discounts', 'discount', 'discounted', 'coupons', 'coupon', 'promo codes', 'promotions'],
  margin: ['profitable', 'profits', 'margins', 'margin', 'gross profit', 'profit', 'profitability'],
  plan: ['plans', 'plan', 'tier', 'tiers', 'pricing plan', 'pricing tier'],
  rate: ['rate', 'ratio', 'percentage', 'percent', 'share', 'proportion'],
  cancel: ['cancellations', 'cancellation', 'cancelled', 'canceled', 'cancel'],
  subscription: ['subscriptions', 'subscription', 'subscribers', 'subscriber', 'paying customers', 'paid customers'],
  ticket: ['support tickets', 'tickets', 'ticket', 'support requests', 'support cases'],
  status: ['status', 'statuses', 'state'],
  active: [
    'active',
    'ongoing',
    'still running',
    'running',
    'live',
    'not ended',
    'havent ended',
    'have not ended',
    'not over',
  ],
  open: ['open', 'opened', 'unresolved', 'backlog', 'outstanding', 'pending tickets'],
  satisfaction: ['satisfaction', 'satisfied', 'happy', 'happiness', 'csat'],
  reason: ['reasons', 'reason', 'why', 'cause', 'causes'],
};

const STOP_WORDS = new Set(
  (
    'a an the of in on at for to is are was were be been being do does did done we our ours us i me my you your ' +
    'show give list tell please what whats which who whom how can could would will should there their it its ' +
    'this that these those and or with from as about get got have has had any some so than then up into out ' +
    'let know see want need like just also much many all very vs versus versus did doing lets find pull report ' +
    'break down look looking currently right now numbers number figure figures stats statistics data value values'
  ).split(' '),
);

/** Number words users write instead of digits ("top ten", "last three months"). */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  hundred: 100,
  dozen: 12,
};

export interface Normalizer {
  /** Canonical content tokens of a text, in order, stop words removed. */
  tokens(text: string): string[];
  /** Lower-cased text with synonym phrases replaced by their canonical words (stop words kept). */
  canonical(text: string): string;
}

export function basicWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

/** A light stemmer: plural and verb endings, enough to equate "products"/"product", "refunded"/"refund". */
export function stem(word: string): string {
  if (word.length <= 3 || /^\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/**
 * Builds a normaliser from the built-in synonyms plus extra ones (glossary terms and their aliases: alias -> term).
 * Extra synonyms never override a built-in phrase.
 */
export function createNormalizer(extra: Record<string, readonly string[]> = {}): Normalizer {
  const phrases = new Map<string, string>();
  for (const [canonical, list] of Object.entries(BUILT_IN_SYNONYMS)) {
    for (const phrase of list) phrases.set(basicWords(phrase).join(' '), canonical);
  }
  for (const [term, aliases] of Object.entries(extra)) {
    const canonicalWords = basicWords(term);
    if (canonicalWords.length === 0) continue;
    const canonicalTerm = phrases.get(canonicalWords.join(' ')) ?? canonicalWords.join('_');
    for (const alias of [term, ...aliases]) {
      const key = basicWords(alias).join(' ');
      if (key && !phrases.has(key)) phrases.set(key, canonicalTerm);
    }
  }
  const maxLen = Math.max(1, ...[...phrases.keys()].map((k) => k.split(' ').length));

  function canonical(text: string): string {
    const words = basicWords(text);
    const out: string[] = [];
    for (let i = 0; i < words.length; ) {
      let matched = false;
      for (let len = Math.min(maxLen, words.length - i); len >= 1; len--) {
        const key = words.slice(i, i + len).join(' ');
        // The stem is consulted for plurals only: "markets" -> market, but "marketing" is not "market".
        const hit = phrases.get(key) ?? (len === 1 && key.endsWith('s') ? phrases.get(stem(key)) : undefined);
        if (hit) {
          out.push(hit);
          i += len;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.push(words[i] as string);
        i += 1;
      }
    }
    return out.join(' ');
  }

  function tokens(text: string): string[] {
    return canonical(text)
      .split(' ')
      .filter((w) => w.length > 0 && !STOP_WORDS.has(w))
      .map((w) => (w.includes('_') ? w : stem(w)));
  }

  return { tokens, canonical };
}

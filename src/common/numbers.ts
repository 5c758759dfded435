/**
 * Numbers for readers: thousands separators, currency and percent picked from column names (and key-number units),
 * in a configured locale. Pure; front ends (Slack tables, key numbers, chart axes) call it with the config's
 * NumberFormat. Machine outputs (CSV, JSON) keep raw values.
 */

export interface NumberFormat {
  /** BCP 47 locale for separators (en-US: 1,234.5; de-DE: 1.234,5). */
  readonly locale: string;
  /** ISO 4217 code for money columns. */
  readonly currency: string;
}

export const DEFAULT_NUMBER_FORMAT: NumberFormat = Object.freeze({ locale: 'en-US', currency: 'USD' });

export type NumberKind = 'currency' | 'percent' | 'number' | 'identifier';

const PERCENT = /(^|_)(pct|percent|percentage)(_|$)|%/i;
const IDENTIFIER = /(^|_)(id|year|yr|code|zip|postcode|phone|version|rank)(_|$)|^(id|year)$/i;
const NOT_MONEY =
  /(^|_)(count|cnt|num|n|qty|quantity|units|orders|customers|users|signups|rate|ratio|share|roas|days|months)(_|$)/i;
const MONEY =
  /(^|_)(revenue|amount|spend|spent|cost|costs|cogs|price|mrr|arr|aov|gmv|sales|discount|discounts|margin|profit|ltv|cac|budget|usd|eur|gbp|refunds?|refunded|income|fees?|total_value|order_value|value)(_|$)/i;

/** What kind of number a column (or key number label) holds, from its name. */
export function columnKind(name: string): NumberKind {
  const key = name.trim().replace(/[\s-]+/g, '_');
  if (PERCENT.test(key)) return 'percent';
  if (IDENTIFIER.test(key)) return 'identifier';
  if (MONEY.test(key) && !NOT_MONEY.test(key)) return 'currency';
  return 'number';
}

/** A key number's unit as a kind: USD/$/€ -> currency, % -> percent. */
export function unitKind(unit: string | undefined, format: NumberFormat): NumberKind | undefined {
  if (!unit) return undefined;
  const u = unit.trim();
  if (/^(%|pct|percent|percentage)$/i.test(u)) return 'percent';
  if (u === '$' || u === '€' || u === '£' || u.toUpperCase() === format.currency || /^[A-Z]{3}$/.test(u)) {
    return 'currency';
  }
  return undefined;
}

/** A numeric value (number, bigint, or a decimal string as drivers return NUMERIC), or undefined. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    try {
      cached = new Intl.NumberFormat(locale, options);
    } catch {
      cached = new Intl.NumberFormat('en-US', { ...options, ...(options.currency ? { currency: 'USD' } : {}) });
    }
    formatters.set(key, cached);
  }
  return cached;
}

/** Formats one number of a kind: 628215.16 -> $628,215 (currency, >= 1,000), 38.2 -> 38.2% (percent). */
export function formatNumber(value: number, kind: NumberKind, format: NumberFormat = DEFAULT_NUMBER_FORMAT): string {
  if (kind === 'identifier') return String(value);
  if (kind === 'percent') {
    return `${formatter(format.locale, { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 1 }).format(value)}%`;
  }
  if (kind === 'currency') {
    const digits = Math.abs(value) >= 1000 ? 0 : 2;
    return formatter(format.locale, {
      style: 'currency',
      currency: format.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }
  const digits = Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 1 : 2;
  return formatter(format.locale, { maximumFractionDigits: digits }).format(value);
}

/** A cell for a reader: numbers formatted by the column's kind, anything else unchanged (undefined). */
export function formatCell(value: unknown, kind: NumberKind, format: NumberFormat): string | undefined {
  const n = numericValue(value);
  return n === undefined ? undefined : formatNumber(n, kind, format);
}

/** "1 row", "12,345 rows". */
export function countText(n: number, one: string, many: string, format: NumberFormat = DEFAULT_NUMBER_FORMAT): string {
  return `${formatter(format.locale, { maximumFractionDigits: 0 }).format(n)} ${n === 1 ? one : many}`;
}

/** The first 8 characters of an id (UUIDs stay unique enough for people; the full id is in links and JSON). */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/**
 * Period phrases in questions -> date ranges [start, end) anchored to "today" (SLEUTH_NOW when set).
 * Semantics, stated once (the routing dataset and docs/knowledge.md use the same):
 * - calendar units: "last month", "this month", "last quarter", "this quarter", "last year", "this year",
 *   "last week"/"this week" (weeks start on Monday), "yesterday", "today";
 * - "last N days/weeks" = the N whole days (7N days) before today; "last N months" = the last N whole calendar months;
 * - named: "Q3 2025", "Q3" (most recent Q3 that has started), "March 2025", "in March" (most recent March that has
 *   started), "in 2025", "between March and May", "from 2026-01-01 to 2026-03-31" (end date included);
 * - open: "since January", "since 2026-06-01", "year to date"/"YTD" run through today;
 * - to date: "this week/month/quarter/year", "so far this month", "MTD"/"QTD"/"YTD" end today (the anchor day is
 *   included, so the end is tomorrow) and the answer says "to date";
 * - halves: "H1 2025", "H2", "first/second half (of 2026)" (without a year: the most recent half that has started);
 * - whole history: "all time", "ever", "in total", "overall", "since the beginning" (start ALL_TIME_START, end
 *   tomorrow), said as "all time", never left to a default silently;
 * - unclear spans ("this time last year", "same time last year", "around then") are not periods: `unclearPeriod()`
 *   finds them so the FAQ tier asks back.
 */
import { NUMBER_WORDS } from './text.js';

export interface DateRange {
  /** YYYY-MM-DD, inclusive. */
  readonly start: string;
  /** YYYY-MM-DD, exclusive. */
  readonly end: string;
}

export interface PeriodMatch {
  readonly range: DateRange;
  /** Offset and length of the phrase in the input text. */
  readonly index: number;
  readonly length: number;
  readonly text: string;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_ALT =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

interface Ymd {
  y: number;
  m: number; // 0-based
  d: number;
}

function fmt(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m, d));
  return date.toISOString().slice(0, 10);
}
function addDays(day: Ymd, n: number): string {
  return fmt(day.y, day.m, day.d + n);
}
function monthIndex(name: string): number {
  const i = MONTHS.findIndex((m) => m.startsWith(name.slice(0, 3)));
  return i;
}
function quantity(raw: string): number | null {
  if (/^\d+$/.test(raw)) return Number(raw);
  return NUMBER_WORDS[raw] ?? null;
}

/** Today as a calendar day from an instant (UTC). */
export function dayOf(now: Date): Ymd {
  return { y: now.getUTCFullYear(), m: now.getUTCMonth(), d: now.getUTCDate() };
}

type Rule = { pattern: RegExp; range: (m: RegExpExecArray, today: Ymd) => DateRange | null };

const Q = '(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)';
const ORD: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
  '4th': 4,
};

function quarterRange(y: number, q: number): DateRange {
  return { start: fmt(y, (q - 1) * 3, 1), end: fmt(y, q * 3, 1) };
}
/** Most recent occurrence of a month (or quarter start month) that has started by today. */
function recentYear(today: Ymd, month: number): number {
  return month <= today.m ? today.y : today.y - 1;
}
function isoDate(raw: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return null;
  return { y: Number(m[1]), m: Number(m[2]) - 1, d: Number(m[3]) };
}
/** "June 1", "1 June", "june 1st 2025" -> a day (year: most recent that has started, unless given). */
function monthDay(month: string, day: string, year: string | undefined, today: Ymd): Ymd {
  const m = monthIndex(month);
  const d = Number(day);
  let y = year ? Number(year) : today.y;
  if (!year && (m > today.m || (m === today.m && d > today.d))) y -= 1;
  return { y, m, d };
}

/** Start of "all time": before any business data. */
export const ALL_TIME_START = '1900-01-01';

function halfRange(y: number, h: number): DateRange {
  return { start: fmt(y, (h - 1) * 6, 1), end: fmt(y, h * 6, 1) };
}
function recentHalf(today: Ymd, h: number): number {
  return (h - 1) * 6 <= today.m ? today.y : today.y - 1;
}
const HALF = '(?:h([12])|(first|second|1st|2nd) half)';
const HALF_N: Record<string, number> = { first: 1, second: 2, '1st': 1, '2nd': 2 };

const RULES: Rule[] = [
  {
    pattern: new RegExp(`\\b${HALF}(?: of)?(?: (?:fy ?)?(\\d{4}))?\\b`),
    range: (m, today) => {
      const h = m[1] ? Number(m[1]) : (HALF_N[m[2] as string] as number);
      const range = halfRange(m[3] ? Number(m[3]) : recentHalf(today, h), h);
      const tomorrow = addDays(today, 1);
      return range.end > tomorrow ? { start: range.start, end: tomorrow } : range;
    },
  },
  {
    pattern:
      /\b(?:(?:in |of |for )?all[- ]time|ever|in total|overall|since (?:the )?(?:beginning|start)(?! of)|since (?:we|launch)[a-z ]{0,20}?(?=$|[?.!,]))\b/,
    range: (_m, today) => ({ start: ALL_TIME_START, end: addDays(today, 1) }),
  },
  {
    pattern:
      /\b(?:so far (?:this|in the) (week|month|quarter|year)|(?:this|the current) (week|month|quarter|year) (?:so far|to date)|(week|month|quarter)[- ]to[- ]date|(wtd|mtd|qtd))\b/,
    range: (m, today) => {
      const raw = (m[1] ?? m[2] ?? m[3] ?? m[4]) as string;
      const unit = { wtd: 'week', mtd: 'month', qtd: 'quarter' }[raw] ?? raw;
      return calendar(unit, 'this', today);
    },
  },
  {
    pattern: /\b(?:from|between) (\d{4}-\d{2}-\d{2}) (?:to|and|until|through|-) (\d{4}-\d{2}-\d{2})\b/,
    range: (m) => {
      const a = isoDate(m[1] as string);
      const b = isoDate(m[2] as string);
      return a && b ? { start: fmt(a.y, a.m, a.d), end: addDays(b, 1) } : null;
    },
  },
  {
    pattern: new RegExp(
      `\\b(?:from|between) ${MONTH_ALT}(?: (\\d{4}))? (?:to|and|until|through|-) ${MONTH_ALT}(?: (\\d{4}))?\\b`,
    ),
    range: (m, today) => {
      const a = monthIndex(m[1] as string);
      const b = monthIndex(m[3] as string);
      const yb = m[4] ? Number(m[4]) : m[2] ? Number(m[2]) + (b < a ? 1 : 0) : recentYear(today, b);
      const ya = m[2] ? Number(m[2]) : b < a ? yb - 1 : yb;
      return { start: fmt(ya, a, 1), end: fmt(yb, b + 1, 1) };
    },
  },
  {
    pattern: new RegExp(`\\bsince ${MONTH_ALT} (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?\\b`),
    range: (m, today) => {
      const day = monthDay(m[1] as string, m[2] as string, m[3], today);
      return { start: fmt(day.y, day.m, day.d), end: addDays(today, 1) };
    },
  },
  {
    pattern: /\bsince (\d{4}-\d{2}-\d{2})\b/,
    range: (m, today) => {
      const a = isoDate(m[1] as string);
      return a ? { start: fmt(a.y, a.m, a.d), end: addDays(today, 1) } : null;
    },
  },
  {
    pattern: new RegExp(`\\bsince (?:the (?:start|beginning) of )?${MONTH_ALT}(?: (\\d{4}))?\\b`),
    range: (m, today) => {
      const month = monthIndex(m[1] as string);
      const y = m[2] ? Number(m[2]) : recentYear(today, month);
      return { start: fmt(y, month, 1), end: addDays(today, 1) };
    },
  },
  {
    pattern: /\bsince (\d{4})\b/,
    range: (m, today) => ({ start: fmt(Number(m[1]), 0, 1), end: addDays(today, 1) }),
  },
  {
    pattern: new RegExp(`\\b${Q}(?: of)? (\\d{4})\\b`),
    range: (m) => quarterRange(Number(m[3]), m[1] ? Number(m[1]) : (ORD[m[2] as string] as number)),
  },
  {
    pattern: new RegExp(`\\b${Q}\\b`),
    range: (m, today) => {
      const q = m[1] ? Number(m[1]) : (ORD[m[2] as string] as number);
      return quarterRange(recentYear(today, (q - 1) * 3), q);
    },
  },
  {
    pattern: new RegExp(`\\b${MONTH_ALT},? (\\d{4})\\b`),
    range: (m) => {
      const month = monthIndex(m[1] as string);
      return { start: fmt(Number(m[2]), month, 1), end: fmt(Number(m[2]), month + 1, 1) };
    },
  },
  {
    // "in March", "during may", "for october", "march numbers": a bare month needs a preposition before it
    // (so "may" the verb is not a month), except for unambiguous full month names.
    pattern: new RegExp(
      `\\b(?:(?:in|during|for|of|over) ${MONTH_ALT}|(january|february|march|april|june|july|august|september|october|november|december))\\b`,
    ),
    range: (m, today) => {
      const month = monthIndex((m[1] ?? m[2]) as string);
      const y = recentYear(today, month);
      return { start: fmt(y, month, 1), end: fmt(y, month + 1, 1) };
    },
  },
  {
    pattern: /\b(?:in|during|for|of) (\d{4})\b|\b(\d{4}) (?:to date|so far)\b|\bfull year (\d{4})\b|\bfy ?(\d{4})\b/,
    range: (m, today) => {
      const y = Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
      if (m[2]) return { start: fmt(y, 0, 1), end: addDays(today, 1) };
      return { start: fmt(y, 0, 1), end: fmt(y + 1, 0, 1) };
    },
  },
  {
    pattern:
      /\b(?:(?:in |over |during |for )?the )?(?:last|past|previous|trailing|prior) (\d+|[a-z]+) (days?|weeks?|months?|years?)\b/,
    range: (m, today) => {
      const n = quantity(m[1] as string);
      if (n === null || n < 1 || n > 3650) return null;
      const unit = (m[2] as string).replace(/s$/, '');
      if (unit === 'day') return { start: addDays(today, -n), end: fmt(today.y, today.m, today.d) };
      if (unit === 'week') return { start: addDays(today, -7 * n), end: fmt(today.y, today.m, today.d) };
      if (unit === 'month') return { start: fmt(today.y, today.m - n, 1), end: fmt(today.y, today.m, 1) };
      return { start: fmt(today.y - n, 0, 1), end: fmt(today.y, 0, 1) };
    },
  },
  {
    pattern:
      /\b(?:(?:in |over |during |for )?the )?(?:past|last|trailing) (?:a |one )?(week|month|year|quarter)\b(?! (?:before|ago))/,
    range: (m, today) => {
      const unit = m[1] as string;
      return calendar(unit, m[0].includes('past') || m[0].includes('trailing') ? 'trailing' : 'last', today);
    },
  },
  {
    pattern: /\b(?:(?:in |during |for )?(?:the )?)?(this|current|previous|prior) (week|month|quarter|year)(?:'s)?\b/,
    range: (m, today) => calendar(m[2] as string, m[1] === 'previous' || m[1] === 'prior' ? 'last' : 'this', today),
  },
  {
    pattern: /\b(?:year to date|ytd|so far this year|year-to-date)\b/,
    range: (_m, today) => ({ start: fmt(today.y, 0, 1), end: addDays(today, 1) }),
  },
  {
    pattern: /\b(?:month to date|mtd)\b/,
    range: (_m, today) => ({ start: fmt(today.y, today.m, 1), end: addDays(today, 1) }),
  },
  {
    pattern: /\byesterday\b/,
    range: (_m, today) => ({ start: addDays(today, -1), end: fmt(today.y, today.m, today.d) }),
  },
  { pattern: /\btoday\b/, range: (_m, today) => ({ start: fmt(today.y, today.m, today.d), end: addDays(today, 1) }) },
];

function calendar(unit: string, which: 'last' | 'this' | 'trailing', today: Ymd): DateRange {
  if (which === 'trailing') {
    if (unit === 'week') return { start: addDays(today, -7), end: fmt(today.y, today.m, today.d) };
    if (unit === 'month') return { start: addDays(today, -30), end: fmt(today.y, today.m, today.d) };
    if (unit === 'quarter') return { start: addDays(today, -90), end: fmt(today.y, today.m, today.d) };
    return { start: addDays(today, -365), end: fmt(today.y, today.m, today.d) };
  }
  const offset = which === 'last' ? -1 : 0;
  // "this week/month/quarter/year" read as "to date": through today (the rest has not happened yet).
  const toDate = which === 'this' ? addDays(today, 1) : null;
  if (unit === 'week') {
    const weekday = (new Date(Date.UTC(today.y, today.m, today.d)).getUTCDay() + 6) % 7; // Monday = 0
    const monday = today.d - weekday + 7 * offset;
    return { start: fmt(today.y, today.m, monday), end: toDate ?? fmt(today.y, today.m, monday + 7) };
  }
  if (unit === 'month')
    return { start: fmt(today.y, today.m + offset, 1), end: toDate ?? fmt(today.y, today.m + offset + 1, 1) };
  if (unit === 'quarter') {
    const q = Math.floor(today.m / 3) + offset;
    return { start: fmt(today.y, q * 3, 1), end: toDate ?? fmt(today.y, q * 3 + 3, 1) };
  }
  if (toDate) return { start: fmt(today.y, 0, 1), end: toDate };
  return { start: fmt(today.y + offset, 0, 1), end: fmt(today.y + offset + 1, 0, 1) };
}

/**
 * Finds every period phrase in a text (non-overlapping, earlier rules win where two would overlap).
 * The input should be lower case; offsets refer to it.
 */
export function findPeriods(text: string, now: Date): PeriodMatch[] {
  // The FAQ tier reads one question's periods once per verified query: remember the last few answers.
  const key = `${now.getTime()}|${text}`;
  const cached = recent.get(key);
  if (cached) return [...cached];
  const found = scanPeriods(text, now);
  recent.set(key, found);
  if (recent.size > 64) recent.delete(recent.keys().next().value as string);
  return [...found];
}

const recent = new Map<string, readonly PeriodMatch[]>();
const GLOBAL_RULES = () => RULES.map((rule) => ({ rule, global: new RegExp(rule.pattern.source, 'g') }));
let compiled: ReturnType<typeof GLOBAL_RULES> | null = null;

function scanPeriods(text: string, now: Date): PeriodMatch[] {
  const today = dayOf(now);
  const lower = text.toLowerCase();
  const taken: boolean[] = new Array(lower.length).fill(false);
  const found: PeriodMatch[] = [];
  compiled ??= GLOBAL_RULES();
  for (const { rule, global } of compiled) {
    global.lastIndex = 0;
    for (let m = global.exec(lower); m !== null; m = global.exec(lower)) {
      const index = m.index;
      const length = m[0].length;
      if (taken.slice(index, index + length).some(Boolean)) continue;
      const range = rule.range(m, today);
      if (!range || range.start >= range.end) continue;
      for (let i = index; i < index + length; i++) taken[i] = true;
      found.push({ range, index, length, text: m[0] });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Parses a whole phrase (a parameter's default such as "last 30 days"); null when it is not a period. */
/** True when the range runs past today: a period that has not ended ("Q4" in November) reads two ways. */
export function endsAfterToday(range: DateRange, now: Date): boolean {
  return range.end > addDays(dayOf(now), 1);
}

export function parsePeriod(phrase: string, now: Date): DateRange | null {
  const matches = findPeriods(phrase, now);
  return matches.length === 1 ? (matches[0] as PeriodMatch).range : null;
}

export function formatRange(range: DateRange): string {
  return `${range.start}..${range.end}`;
}

const UNCLEAR =
  /\b(?:(?:this|same|that) time (?:last|next|a) year|(?:the )?same (?:period|time|month|quarter|week) (?:last|a) year(?: ago)?|around (?:then|this time)|a while (?:ago|back)|(?:the )?other (?:day|week|month)|(?:a )?(?:few|couple(?: of)?) (?:days|weeks|months) ago|lately)\b/;

/** A period phrase whose span is unclear ("this time last year"): the FAQ tier asks which period is meant. */
export function unclearPeriod(text: string): string | null {
  return UNCLEAR.exec(text.toLowerCase())?.[0] ?? null;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A range in words, anchored to today: "Jul 1 - Sep 30 2026", "Oct 1-31 2026", "Nov 1-15 2026 (to date)",
 * "all time (to Nov 15 2026)". The end shown is the last day included.
 */
export function describeRange(range: DateRange, now: Date): string {
  const a = isoDate(range.start) as Ymd;
  const lastDay = new Date(Date.parse(`${range.end}T00:00:00Z`) - 86_400_000);
  const b = dayOf(lastDay);
  const tomorrow = addDays(dayOf(now), 1);
  const toDate = range.end === tomorrow;
  const day = (x: Ymd, year: boolean) => `${SHORT_MONTHS[x.m]} ${x.d}${year ? ` ${x.y}` : ''}`;
  if (range.start === ALL_TIME_START) return `all time (to ${day(b, true)})`;
  let text: string;
  if (range.start === range.end || fmt(a.y, a.m, a.d) === fmt(b.y, b.m, b.d)) text = day(a, true);
  else if (a.y === b.y && a.m === b.m) text = `${SHORT_MONTHS[a.m]} ${a.d}-${b.d} ${a.y}`;
  else if (a.y === b.y) text = `${day(a, false)} - ${day(b, true)}`;
  else text = `${day(a, true)} - ${day(b, true)}`;
  return toDate ? `${text} (to date)` : text;
}

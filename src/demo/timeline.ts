/**
 * The calendar the generator works on. Everything is derived from the anchor's UTC calendar date, never from the
 * wall clock. History covers the three years before the anchor date: day 0 is the anchor date three years earlier,
 * the last day is the day before the anchor, so no row is ever dated on or after the anchor (nothing in the future).
 */

const DAY_MS = 86_400_000;

export interface MonthRange {
  /** First day index of the month inside the history (inclusive). */
  readonly from: number;
  /** Day index after the month's last day (exclusive), clipped to the history. */
  readonly to: number;
  /** 'YYYY-MM' */
  readonly label: string;
  /** 0-11 */
  readonly month: number;
}

export interface Timeline {
  readonly days: number;
  readonly anchorDate: string;
  /** 'YYYY-MM-DD' of each day index; index `days` is the anchor date itself. */
  readonly dates: readonly string[];
  /** Relative activity of each day: weekly dips, Nov/Dec peaks, January lull. Mean is about 1. */
  readonly season: Float64Array;
  /** Growth curve: 1 at the start, rising to about 2.6 at the end. */
  readonly growth: Float64Array;
  /** The calendar month `monthsBack` months before the anchor's month (1 = last month). */
  monthBefore(monthsBack: number): MonthRange;
  /** 'YYYY-MM-DD' of any day index, also before day 0 (e.g. products launched before the history starts). */
  dateOf(day: number): string;
  timestamp(day: number, secondOfDay: number): string;
}

export function truncateToUtcDate(anchor: Date): Date {
  if (Number.isNaN(anchor.getTime())) throw new RangeError('The demo anchor is not a valid date.');
  return new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()));
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const WEEKDAY = [0.72, 1.02, 1.06, 1.08, 1.05, 1.0, 0.78]; // Sunday..Saturday
const MONTH = [0.82, 0.88, 0.97, 0.98, 1.0, 0.96, 0.93, 0.95, 1.0, 1.04, 1.32, 1.48]; // Jan..Dec

export function createTimeline(anchor: Date): Timeline {
  const anchorDay = truncateToUtcDate(anchor);
  const anchorMs = anchorDay.getTime();
  const startMs = Date.UTC(anchorDay.getUTCFullYear() - 3, anchorDay.getUTCMonth(), anchorDay.getUTCDate());
  const days = Math.round((anchorMs - startMs) / DAY_MS);
  const dates: string[] = [];
  const season = new Float64Array(days);
  const growth = new Float64Array(days);
  for (let d = 0; d <= days; d++) {
    const when = new Date(startMs + d * DAY_MS);
    dates.push(isoDate(when));
    if (d === days) break;
    let factor = (WEEKDAY[when.getUTCDay()] ?? 1) * (MONTH[when.getUTCMonth()] ?? 1);
    // Black Friday / Cyber Monday week.
    if (when.getUTCMonth() === 10 && when.getUTCDate() >= 24 && when.getUTCDate() <= 30) factor *= 1.35;
    season[d] = factor;
    growth[d] = Math.exp((Math.log(2.6) * d) / days);
  }

  return {
    days,
    anchorDate: isoDate(anchorDay),
    dates,
    season,
    growth,
    monthBefore(monthsBack) {
      const first = new Date(Date.UTC(anchorDay.getUTCFullYear(), anchorDay.getUTCMonth() - monthsBack, 1));
      const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
      const from = Math.max(0, Math.round((first.getTime() - startMs) / DAY_MS));
      const to = Math.min(days, Math.round((next.getTime() - startMs) / DAY_MS));
      return { from, to, label: isoDate(first).slice(0, 7), month: first.getUTCMonth() };
    },
    dateOf(day) {
      return dates[day] ?? isoDate(new Date(startMs + day * DAY_MS));
    },
    timestamp(day, secondOfDay) {
      const s = Math.max(0, Math.min(86_399, Math.floor(secondOfDay)));
      const hh = String(Math.floor(s / 3600)).padStart(2, '0');
      const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
      const ss = String(s % 60).padStart(2, '0');
      return `${dates[day] ?? ''} ${hh}:${mm}:${ss}`;
    },
  };
}

import { describe, expect, it } from 'vitest';
import { describeRange, findPeriods, formatRange, parsePeriod, unclearPeriod } from '../../../src/knowledge/periods.js';

// Sunday 15 November 2026, noon UTC.
const NOW = new Date('2026-11-15T12:00:00Z');

describe('parsePeriod anchored at Sunday 2026-11-15', () => {
  it.each([
    // calendar units
    ['last month', '2026-10-01', '2026-11-01'],
    // "this month" ends today (anchor day included): the rest of the month has not happened yet
    ['this month', '2026-11-01', '2026-11-16'],
    ['previous month', '2026-10-01', '2026-11-01'],
    ['last quarter', '2026-07-01', '2026-10-01'],
    ['this quarter', '2026-10-01', '2026-11-16'],
    ['previous quarter', '2026-07-01', '2026-10-01'],
    ['last year', '2025-01-01', '2026-01-01'],
    ['this year', '2026-01-01', '2026-11-16'],
    ['current year', '2026-01-01', '2026-11-16'],
    // weeks start on Monday: today is Sunday, so this week began on Monday 9 November
    ['last week', '2026-11-02', '2026-11-09'],
    ['this week', '2026-11-09', '2026-11-16'],
    ['yesterday', '2026-11-14', '2026-11-15'],
    ['today', '2026-11-15', '2026-11-16'],
    // last N days/weeks: whole days before today; last N months: whole calendar months
    ['last 30 days', '2026-10-16', '2026-11-15'],
    ['last 7 days', '2026-11-08', '2026-11-15'],
    ['past 90 days', '2026-08-17', '2026-11-15'],
    ['last ninety days', '2026-08-17', '2026-11-15'],
    ['last two weeks', '2026-11-01', '2026-11-15'],
    ['last 3 months', '2026-08-01', '2026-11-01'],
    ['over the last 6 months', '2026-05-01', '2026-11-01'],
    ['last 12 months', '2025-11-01', '2026-11-01'],
    ['the past 2 years', '2024-01-01', '2026-01-01'],
    // trailing single units
    ['past week', '2026-11-08', '2026-11-15'],
    ['past month', '2026-10-16', '2026-11-15'],
    ['trailing year', '2025-11-15', '2026-11-15'],
    // named quarters, months, years
    ['Q3 2025', '2025-07-01', '2025-10-01'],
    ['third quarter of 2025', '2025-07-01', '2025-10-01'],
    ['Q3', '2026-07-01', '2026-10-01'],
    ['Q4', '2026-10-01', '2027-01-01'],
    ['March 2025', '2025-03-01', '2025-04-01'],
    ['sep 2026', '2026-09-01', '2026-10-01'],
    ['in March', '2026-03-01', '2026-04-01'],
    // December has not started yet this year: the most recent December is 2025
    ['in December', '2025-12-01', '2026-01-01'],
    ['in 2025', '2025-01-01', '2026-01-01'],
    ['fy2025', '2025-01-01', '2026-01-01'],
    ['full year 2025', '2025-01-01', '2026-01-01'],
    ['between March and May', '2026-03-01', '2026-06-01'],
    ['between march and may 2025', '2025-03-01', '2025-06-01'],
    ['between November and February', '2025-11-01', '2026-03-01'],
    ['from jan to mar', '2026-01-01', '2026-04-01'],
    // end date included
    ['from 2026-01-01 to 2026-03-31', '2026-01-01', '2026-04-01'],
    // open ranges run through today
    ['since January', '2026-01-01', '2026-11-16'],
    ['since december', '2025-12-01', '2026-11-16'],
    ['since the start of march', '2026-03-01', '2026-11-16'],
    ['since June 1', '2026-06-01', '2026-11-16'],
    ['since december 25', '2025-12-25', '2026-11-16'],
    ['since 2026-06-01', '2026-06-01', '2026-11-16'],
    ['since 2024', '2024-01-01', '2026-11-16'],
    ['year to date', '2026-01-01', '2026-11-16'],
    ['YTD', '2026-01-01', '2026-11-16'],
    ['2026 so far', '2026-01-01', '2026-11-16'],
    ['mtd', '2026-11-01', '2026-11-16'],
  ])('%s -> [%s, %s)', (phrase, start, end) => {
    expect(parsePeriod(phrase, NOW)).toEqual({ start, end });
  });

  it.each([
    ['revenue', 'no period at all'],
    ['may I see revenue', '"may" the verb is not a month'],
    ['last 0 days', 'zero days is empty'],
    ['last 4000 days', 'more than ten years of days is refused'],
    ['from 2026-03-31 to 2026-01-01', 'a reversed range is empty'],
    ['this month vs last month', 'two periods are not one'],
  ])('%s -> null (%s)', (phrase) => {
    expect(parsePeriod(phrase, NOW)).toBeNull();
  });

  it('uses the UTC calendar day of the anchor instant', () => {
    expect(parsePeriod('today', new Date('2026-11-15T23:59:59Z'))).toEqual({ start: '2026-11-15', end: '2026-11-16' });
    expect(parsePeriod('today', new Date('2026-11-16T00:00:00Z'))).toEqual({ start: '2026-11-16', end: '2026-11-17' });
  });

  it('crosses year boundaries for calendar units in January', () => {
    const january = new Date('2027-01-04T09:00:00Z'); // a Monday
    expect(parsePeriod('last month', january)).toEqual({ start: '2026-12-01', end: '2027-01-01' });
    expect(parsePeriod('last quarter', january)).toEqual({ start: '2026-10-01', end: '2027-01-01' });
    expect(parsePeriod('last week', january)).toEqual({ start: '2026-12-28', end: '2027-01-04' });
    expect(parsePeriod('in March', january)).toEqual({ start: '2026-03-01', end: '2026-04-01' });
  });
});

describe('findPeriods', () => {
  it('returns every period with its offset in the text, in order', () => {
    const text = 'revenue this month vs last month';
    const found = findPeriods(text, NOW);
    expect(found.map((m) => [m.text, m.index, m.length])).toEqual([
      ['this month', 8, 10],
      ['last month', 22, 10],
    ]);
    for (const m of found) expect(text.slice(m.index, m.index + m.length)).toBe(m.text);
  });

  it('lets the longer, earlier rule win where two would overlap', () => {
    // "in dec 2025" would also read as "in dec" (most recent December) if the month-year rule did not win.
    const found = findPeriods('revenue in dec 2025', NOW);
    expect(found).toHaveLength(1);
    expect(found[0]?.range).toEqual({ start: '2025-12-01', end: '2026-01-01' });
    // "last 3 months" must not also yield "last ... month".
    expect(findPeriods('signups over the last 3 months', NOW)).toHaveLength(1);
  });

  it('is case-insensitive and keeps offsets of the input', () => {
    const found = findPeriods('Revenue in Q3 2025 please', NOW);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ index: 11, length: 7, range: { start: '2025-07-01', end: '2025-10-01' } });
  });

  it('needs a preposition before an abbreviated or ambiguous month name', () => {
    expect(findPeriods('we may see more orders', NOW)).toEqual([]);
    expect(findPeriods('orders in may', NOW).map((m) => m.range)).toEqual([{ start: '2026-05-01', end: '2026-06-01' }]);
  });
});

describe('formatRange', () => {
  it('joins start and end with two dots', () => {
    expect(formatRange({ start: '2026-10-01', end: '2026-11-01' })).toBe('2026-10-01..2026-11-01');
  });
});

describe('halves, to-date, all time and unclear spans (anchored at Sunday 2026-11-15)', () => {
  it.each([
    ['H1 2025', '2025-01-01', '2025-07-01'],
    ['h2 2025', '2025-07-01', '2026-01-01'],
    ['first half of 2026', '2026-01-01', '2026-07-01'],
    ['second half of 2025', '2025-07-01', '2026-01-01'],
    // the current half runs to today
    ['second half', '2026-07-01', '2026-11-16'],
    ['so far this month', '2026-11-01', '2026-11-16'],
    ['so far this quarter', '2026-10-01', '2026-11-16'],
    ['so far this year', '2026-01-01', '2026-11-16'],
    ['this month so far', '2026-11-01', '2026-11-16'],
    ['mtd', '2026-11-01', '2026-11-16'],
    ['qtd', '2026-10-01', '2026-11-16'],
    ['quarter to date', '2026-10-01', '2026-11-16'],
    ['all time', '1900-01-01', '2026-11-16'],
    ['ever', '1900-01-01', '2026-11-16'],
    ['in total', '1900-01-01', '2026-11-16'],
    ['overall', '1900-01-01', '2026-11-16'],
    ['since the beginning', '1900-01-01', '2026-11-16'],
    ['since the start of march', '2026-03-01', '2026-11-16'],
  ])('%s -> [%s, %s)', (phrase, start, end) => {
    expect(parsePeriod(phrase, NOW)).toEqual({ start, end });
  });

  it('reads "total" alone as no period ("total revenue" is not all time)', () => {
    expect(findPeriods('total revenue', NOW)).toEqual([]);
  });

  it.each(['this time last year', 'same period last year', 'around this time', 'a few weeks ago', 'lately'])(
    'finds "%s" unclear',
    (phrase) => {
      expect(unclearPeriod(`revenue ${phrase}`)).toBe(phrase);
    },
  );

  it('says ranges in words: whole months, spans, to date, all time', () => {
    expect(describeRange({ start: '2026-10-01', end: '2026-11-01' }, NOW)).toBe('Oct 1-31 2026');
    expect(describeRange({ start: '2026-07-01', end: '2026-10-01' }, NOW)).toBe('Jul 1 - Sep 30 2026');
    expect(describeRange({ start: '2025-12-01', end: '2026-02-01' }, NOW)).toBe('Dec 1 2025 - Jan 31 2026');
    expect(describeRange({ start: '2026-11-01', end: '2026-11-16' }, NOW)).toBe('Nov 1-15 2026 (to date)');
    expect(describeRange({ start: '2026-11-14', end: '2026-11-15' }, NOW)).toBe('Nov 14 2026');
    expect(describeRange({ start: '1900-01-01', end: '2026-11-16' }, NOW)).toBe('all time (to Nov 15 2026)');
  });
});

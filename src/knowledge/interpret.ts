/**
 * What an instant answer says before its table: the interpretation (measure, breakdown, filters and period in
 * words, with the default period named as such) and one plain-English sentence built from the first row(s).
 * Pure functions of the verified query, the filled parameters and the result.
 */
import type { LoadedVerifiedQuery } from './files.js';
import type { ExtractedParameter } from './parameters.js';
import { type DateRange, describeRange } from './periods.js';
import type { FaqInterpretation } from './types.js';
import { PERIOD_FILTER, type Vocabulary } from './vocabulary.js';

export function interpret(
  query: LoadedVerifiedQuery,
  parameters: readonly ExtractedParameter[],
  vocabulary: Vocabulary,
  now: Date,
  asked?: readonly string[],
): FaqInterpretation {
  const answers = query.answers;
  const measureId = (asked && answers?.measures.find((m) => asked.includes(m))) ?? answers?.measures[0] ?? query.name;
  const label = vocabulary.measures[measureId]?.label ?? measureId.replace(/_/g, ' ');
  const measure = answers?.scope ? `${label} (${answers.scope})` : label;
  const dimensions = (answers?.dimensions ?? []).map((d) => vocabulary.dimensions[d]?.label ?? d);
  const filters: string[] = [];
  let period: string | null = null;
  let defaultPeriod = false;
  let range: DateRange | null = null;
  let limit: number | null = null;
  let defaultText: string | null = null;
  for (const p of parameters) {
    const dimension = answers?.filters[p.name];
    if (p.value.type === 'date_range') {
      range = p.value.range;
      period = describeRange(p.value.range, now);
      defaultPeriod = p.source === 'default';
      const definition = query.parameters[p.name];
      defaultText = definition?.type === 'date_range' ? (definition.default ?? null) : null;
      continue;
    }
    if (p.name === answers?.limit && p.value.type === 'number') {
      limit = p.value.value;
      continue;
    }
    const dimLabel =
      dimension && dimension !== PERIOD_FILTER ? (vocabulary.dimensions[dimension]?.label ?? dimension) : p.name;
    const value = p.value.type === 'number' ? String(p.value.value) : p.value.value.replace(/_/g, ' ');
    filters.push(p.value.type === 'text' ? `${dimLabel} containing "${value}"` : `${dimLabel} ${value}`);
  }
  const head = `${limit !== null ? `Top ${limit} by ${label.toLowerCase()}: ` : ''}${measure}${dimensions.length ? ` by ${dimensions.join(' and ')}` : ''}`;
  const parts = [head, ...filters];
  if (period) parts.push(defaultPeriod && defaultText ? `${period} (${defaultText}, the default)` : period);
  else if (!Object.values(query.parameters).some((d) => d.type === 'date_range')) parts.push('as of now');
  return { text: parts.join(', '), measure, dimensions, filters, period, defaultPeriod, range };
}

const CURRENCY = /revenue|mrr|arr|spend|amount|value|budget|cost|cac|aov|discount|margin|refunded|sales|price|total/;
const PERCENT = /pct|percent|rate|share|ctr/;

/** A cell for readers: thousands separators, $ for money columns, % for percentages. */
export function formatCell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '-';
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : null;
  if (n === null) return String(value);
  const name = column.toLowerCase();
  if (PERCENT.test(name) && !/count|orders$/.test(name)) return `${round(n, 1).toLocaleString('en-US')}%`;
  if (CURRENCY.test(name) && !/orders|count|units|signups|customers|subscriptions|tickets|clicks/.test(name)) {
    const digits = Math.abs(n) >= 1000 ? 0 : 2;
    return `${n < 0 ? '-' : ''}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
  }
  return Number.isInteger(n) ? n.toLocaleString('en-US') : round(n, 2).toLocaleString('en-US');
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function words(column: string): string {
  return column.replace(/_pct$/, '').replace(/_/g, ' ');
}

/**
 * One sentence from the first row(s): "Revenue, Oct 1-31 2026: $756,506; completed orders 1,363." for one row;
 * "Signups by sales region, Oct 1-31 2026: Europe first with 123 (signups), of 4 rows." for a breakdown.
 */
export function answerSentence(
  interpretation: FaqInterpretation,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  const when = interpretation.period ? `, ${interpretation.period}` : '';
  const title = `${interpretation.measure.replace(/ \(.*\)$/, '')}${interpretation.dimensions.length ? ` by ${interpretation.dimensions.join(' and ')}` : ''}${interpretation.filters.length ? ` (${interpretation.filters.join(', ')})` : ''}${when}`;
  if (rows.length === 0) return `${title}: no rows.`;
  const first = rows[0] as readonly unknown[];
  const numeric = columns
    .map((c, i) => ({ c, i, v: first[i] }))
    .filter(({ v }) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)));
  const labels = columns.map((c, i) => ({ c, i, v: first[i] })).filter((x) => !numeric.some((n) => n.i === x.i));
  if (rows.length === 1 && interpretation.dimensions.length === 0) {
    const [head, ...rest] = numeric;
    if (!head) return `${title}: ${labels.map((l) => `${words(l.c)} ${String(l.v)}`).join(', ')}.`;
    const tail = rest.slice(0, 3).map((x) => `${words(x.c)} ${formatCell(x.c, x.v)}`);
    return `${title}: ${formatCell(head.c, head.v)}${tail.length ? `; ${tail.join(', ')}` : ''}.`;
  }
  const name = labels.map((l) => String(l.v ?? '-').replace(/_/g, ' ')).join(' / ') || 'the first row';
  const head = numeric[0];
  const value = head ? ` with ${formatCell(head.c, head.v)} ${words(head.c)}` : '';
  return `${title}: ${rows.length} row${rows.length === 1 ? '' : 's'}; first ${name}${value}.`;
}

/**
 * Classifies result columns (time, measure, category) from their database type names and their values, and picks a
 * chart from the result's shape: time + measure -> line, category + measure -> bar, two measures -> scatter.
 * Pure functions over our own result type; nothing here executes anything from the data or the model.
 */

export type ChartKind = 'line' | 'bar' | 'scatter';
export type ColumnRole = 'time' | 'measure' | 'category';

/** A result as charts read it: columns with database type names and rows aligned with them. */
export interface ChartableResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Which columns go where; indices into the result's columns. */
export interface ChartChoice {
  readonly kind: ChartKind;
  readonly x: number;
  readonly y: number;
  /** A second category that splits a line chart into series (at most MAX_SERIES). */
  readonly series?: number;
  /** More measures plotted beside `y`, one series each (a comparison in wide form: paid_social, the_rest). */
  readonly ys?: readonly number[];
}

/** What the answer says the chart is about, by column name (the finish tool's chart_measure / chart_series). */
export interface ChartWish {
  readonly measures?: readonly string[];
  readonly series?: string;
}

const ISO_DATE = /^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMERIC_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
export const MAX_SERIES = 8;

function nonNull(result: ChartableResult, index: number): unknown[] {
  return result.rows.map((row) => row[index]).filter((value) => value !== null && value !== undefined);
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value);
  return undefined;
}

export function toTime(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'string' && ISO_DATE.test(value.trim())) {
    const text = value.trim();
    // "2026-10" is a month: anchor it on the first day so every engine parses it the same way.
    const parsed = Date.parse(/^\d{4}-\d{2}$/.test(text) ? `${text}-01T00:00:00Z` : text);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

export function columnRole(result: ChartableResult, index: number): ColumnRole {
  const column = result.columns[index];
  const values = nonNull(result, index);
  if (values.length === 0) return 'category';
  // Dates come back as Date objects or ISO text depending on the driver; numbers are never read as times.
  if (values.every((v) => toTime(v) !== undefined)) return 'time';
  if (values.every((v) => toNumber(v) !== undefined)) {
    // A numeric column named like an identifier ("id", "customer_id") is a label, not a measure.
    return /(^|_)id$/i.test(column?.name ?? '') ? 'category' : 'measure';
  }
  return 'category';
}

function distinctCount(result: ChartableResult, index: number): number {
  return new Set(result.rows.map((row) => String(row[index]))).size;
}

/**
 * The chart for a result, or undefined when it has no chartable shape (fewer than two rows, no measure). A requested
 * kind (from the model's `finish`) wins when the shape supports it; 'none' means no chart.
 */
export function chooseChart(
  result: ChartableResult,
  requested?: ChartKind | 'none',
  wish: ChartWish = {},
): ChartChoice | undefined {
  if (requested === 'none' || result.rows.length < 2) return undefined;
  const roles = result.columns.map((_, i) => columnRole(result, i));
  const first = (role: ColumnRole, except = -1) => roles.findIndex((r, i) => r === role && i !== except);
  const named = (name: string) => result.columns.findIndex((c) => c.name === name);
  // the measure the answer talks about wins over the first numeric column
  const wished = (wish.measures ?? []).map(named).filter((i) => i >= 0 && roles[i] === 'measure');
  const wishedSeries = wish.series === undefined ? -1 : named(wish.series);
  const time = first('time');
  const category =
    wishedSeries >= 0 && wishedSeries === first('category') ? first('category', wishedSeries) : first('category');
  const measure = wished[0] ?? first('measure');
  if (measure < 0) return undefined;
  const secondMeasure = first('measure', measure);
  const extra = wished.slice(1);
  const withMeasures = (choice: ChartChoice): ChartChoice => (extra.length > 0 ? { ...choice, ys: extra } : choice);

  const seriesColumn = (x: number): number | undefined => {
    if (extra.length > 0) return undefined;
    const candidate = wishedSeries >= 0 ? wishedSeries : x === time ? category : -1;
    return candidate >= 0 && candidate !== x && distinctCount(result, candidate) <= MAX_SERIES ? candidate : undefined;
  };
  const line = (): ChartChoice | undefined => {
    const x = time >= 0 ? time : -1;
    if (x < 0) return undefined;
    const series = seriesColumn(x);
    return withMeasures(
      series === undefined ? { kind: 'line', x, y: measure } : { kind: 'line', x, y: measure, series },
    );
  };
  const bar = (): ChartChoice | undefined => {
    const x = category >= 0 && category !== wishedSeries ? category : time;
    if (x < 0) return undefined;
    const series = seriesColumn(x);
    return withMeasures(series === undefined ? { kind: 'bar', x, y: measure } : { kind: 'bar', x, y: measure, series });
  };
  const scatter = (): ChartChoice | undefined =>
    secondMeasure >= 0 ? { kind: 'scatter', x: measure, y: secondMeasure } : undefined;

  const byKind = { line, bar, scatter };
  if (requested) {
    const wanted = byKind[requested]();
    if (wanted) return wanted;
  }
  return line() ?? bar() ?? scatter();
}

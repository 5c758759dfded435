/**
 * Vega-Lite specs built from a result and a ChartChoice. Specs are declarative data made here from a fixed template:
 * the data goes in as inline `values` under fixed field names (x, y, series), so column names and cell values never
 * become field paths, expressions or URLs. No model-written spec or code is ever executed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_NUMBER_FORMAT, type NumberFormat } from '../common/numbers.js';
import { axisFormat, axisTitle, humanTitle } from './labels.js';
import { type ChartableResult, type ChartChoice, toNumber, toTime } from './shape.js';

export interface ChartSpecOptions {
  title?: string;
  /** The data's "now": a last period that is not over yet is left out, and the subtitle says so. */
  now?: Date;
  /** Separators and currency of axis titles. */
  format?: NumberFormat;
  /** Plot size in CSS pixels (the PNG is rendered at `scale` times this). */
  width?: number;
  height?: number;
  /** Most bars drawn (largest first); the rest are left out and the title says so. */
  maxBars?: number;
}

const MAX_LABEL = 40;
const MAX_POINTS = 5_000;

function label(value: unknown): string {
  const text = value === null || value === undefined ? '(none)' : String(value);
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

type Point = Record<string, string | number>;

function rowsFor(result: ChartableResult, choice: ChartChoice, format: NumberFormat): Point[] {
  const values: Point[] = [];
  const measures = [choice.y, ...(choice.ys ?? [])];
  const several = measures.length > 1;
  for (const row of result.rows.slice(0, MAX_POINTS)) {
    let x: string | number | undefined;
    if (choice.kind === 'line') x = toTime(row[choice.x]);
    else if (choice.kind === 'scatter') x = toNumber(row[choice.x]);
    else x = label(row[choice.x]);
    if (x === undefined) continue;
    for (const m of measures) {
      const y = toNumber(row[m]);
      if (y === undefined) continue;
      const point: Point = { x, y, t: toTime(row[choice.x]) ?? 0 };
      if (several) point.series = axisTitle(result.columns[m]?.name ?? '', format);
      else if (choice.series !== undefined) point.series = label(row[choice.series]);
      values.push(point);
    }
  }
  return values;
}

const DAY = 86_400_000;

/** The end of the period that starts at `start`, judged from the spacing of the time axis (day, week, month, year). */
function periodEnd(times: readonly number[], start: number): number | undefined {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  if (sorted.length < 2) return undefined;
  const dates = sorted.map((t) => new Date(t));
  const midnight = dates.every((d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0);
  if (!midnight) return undefined;
  const s = new Date(start);
  if (dates.every((d) => d.getUTCMonth() === 0 && d.getUTCDate() === 1)) return Date.UTC(s.getUTCFullYear() + 1, 0, 1);
  if (dates.every((d) => d.getUTCDate() === 1)) return Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1);
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  const step = Math.min(...gaps);
  if (step === 7 * DAY || step === DAY) return start + step;
  return undefined;
}

/**
 * A last period that is not over at `now` (this month, this week) is left out: plotted beside full periods it reads
 * as a drop. Returns the kept points and the note for the subtitle.
 */
function withoutPartialPeriod(values: Point[], now: Date | undefined): { values: Point[]; note?: string } {
  if (!now || values.length < 3) return { values };
  const times = values.map((v) => Number(v.t));
  if (times.some((t) => !t)) return { values };
  const last = Math.max(...times);
  const end = periodEnd(times, last);
  if (end === undefined || end <= now.getTime()) return { values };
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return {
    values: values.filter((v) => Number(v.t) !== last),
    note: `The period from ${day(last)} is left out: it is not over yet (data to ${day(now.getTime() - 1)}).`,
  };
}

/** The subtitle a spec carries (a left-out partial period), for captions elsewhere. */
export function chartNote(spec: TopLevelSpec): string | undefined {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'object' && title !== null && 'subtitle' in title) return String(title.subtitle);
  return undefined;
}

/** The Vega-Lite spec for one chart. */
export function buildChartSpec(
  result: ChartableResult,
  choice: ChartChoice,
  options: ChartSpecOptions = {},
): TopLevelSpec {
  const format = options.format ?? DEFAULT_NUMBER_FORMAT;
  const column = (index: number) => result.columns[index]?.name ?? '';
  const overTime = columnIsTime(result, choice.x);
  let { values, note } =
    choice.kind === 'scatter' || !overTime
      ? { values: rowsFor(result, choice, format), note: undefined }
      : withoutPartialPeriod(rowsFor(result, choice, format), options.now);
  let text = options.title ? humanTitle(options.title) : undefined;
  const maxBars = options.maxBars ?? 25;
  const ranking = choice.kind === 'bar' && !overTime;
  if (choice.kind === 'bar' && values.length > maxBars) {
    values = [...values].sort((a, b) => Number(b.y) - Number(a.y)).slice(0, maxBars);
    text = `${text ?? ''}${text ? ' ' : ''}(top ${maxBars})`;
  }
  values = values.map(({ t: _t, ...rest }) => rest);
  const several = (choice.ys?.length ?? 0) > 0;
  const title = text ? (note ? { text, subtitle: note } : text) : note ? { text: '', subtitle: note } : undefined;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: options.width ?? 640,
    height: options.height ?? 320,
    background: 'white',
    padding: 12,
    data: { values },
    config: {
      font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180 },
      title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 11 },
    },
    ...(title ? { title } : {}),
  };
  const yTitle = several
    ? humanTitle([choice.y, ...(choice.ys ?? [])].map((i) => axisTitle(column(i), format)).join(' / '), 60)
    : axisTitle(column(choice.y), format);
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: yTitle,
    axis: { format: axisFormat(column(choice.y)) },
  };
  const hasSeries = several || choice.series !== undefined;
  const color = hasSeries
    ? {
        color: {
          field: 'series',
          type: 'nominal' as const,
          title: several ? null : axisTitle(column(choice.series ?? -1), format),
        },
      }
    : {};
  if (choice.kind === 'line') {
    return {
      ...base,
      mark: { type: 'line', point: values.length <= 60 },
      encoding: { x: { field: 'x', type: 'temporal', title: axisTitle(column(choice.x), format) }, y, ...color },
    };
  }
  if (choice.kind === 'bar') {
    return {
      ...base,
      mark: { type: 'bar' },
      encoding: {
        // a ranking reads largest first; periods read in time order
        x: {
          field: 'x',
          type: 'nominal',
          title: axisTitle(column(choice.x), format),
          sort: ranking ? '-y' : 'ascending',
          axis: { labelAngle: -30 },
        },
        y,
        ...color,
        ...(hasSeries ? { xOffset: { field: 'series' } } : {}),
      },
    };
  }
  return {
    ...base,
    mark: { type: 'point', filled: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axisTitle(column(choice.x), format) },
      y,
    },
  };
}

function columnIsTime(result: ChartableResult, index: number): boolean {
  const values = result.rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => toTime(v) !== undefined);
}

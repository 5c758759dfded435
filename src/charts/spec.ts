/**
 * Vega-Lite specs built from a result and a ChartChoice. Specs are declarative data made here from a fixed template:
 * the data goes in as inline `values` under fixed field names (x, y, series), so column names and cell values never
 * become field paths, expressions or URLs. No model-written spec or code is ever executed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type ChartableResult, type ChartChoice, toNumber, toTime } from './shape.js';

export interface ChartSpecOptions {
  title?: string;
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

function rowsFor(result: ChartableResult, choice: ChartChoice): Record<string, string | number>[] {
  const values: Record<string, string | number>[] = [];
  for (const row of result.rows.slice(0, MAX_POINTS)) {
    const y = toNumber(row[choice.y]);
    if (y === undefined) continue;
    let x: string | number | undefined;
    if (choice.kind === 'line') x = toTime(row[choice.x]);
    else if (choice.kind === 'scatter') x = toNumber(row[choice.x]);
    else x = label(row[choice.x]);
    if (x === undefined) continue;
    const point: Record<string, string | number> = { x, y };
    if (choice.series !== undefined) point.series = label(row[choice.series]);
    values.push(point);
  }
  return values;
}

/** The Vega-Lite spec for one chart. */
export function buildChartSpec(
  result: ChartableResult,
  choice: ChartChoice,
  options: ChartSpecOptions = {},
): TopLevelSpec {
  const name = (index: number) => label(result.columns[index]?.name ?? '');
  let values = rowsFor(result, choice);
  let title = options.title ? label(options.title) : undefined;
  const maxBars = options.maxBars ?? 25;
  if (choice.kind === 'bar' && values.length > maxBars) {
    values = [...values].sort((a, b) => Number(b.y) - Number(a.y)).slice(0, maxBars);
    title = `${title ?? ''}${title ? ' ' : ''}(top ${maxBars})`;
  }
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
      title: { fontSize: 14, anchor: 'start' as const },
    },
    ...(title ? { title } : {}),
  };
  const y = { field: 'y', type: 'quantitative' as const, title: name(choice.y) };
  if (choice.kind === 'line') {
    return {
      ...base,
      mark: { type: 'line', point: values.length <= 60 },
      encoding: {
        x: { field: 'x', type: 'temporal', title: name(choice.x) },
        y,
        ...(choice.series === undefined
          ? {}
          : { color: { field: 'series', type: 'nominal', title: name(choice.series) } }),
      },
    };
  }
  if (choice.kind === 'bar') {
    return {
      ...base,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'x', type: 'nominal', title: name(choice.x), sort: '-y', axis: { labelAngle: -30 } },
        y,
      },
    };
  }
  return {
    ...base,
    mark: { type: 'point', filled: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: name(choice.x) },
      y,
    },
  };
}

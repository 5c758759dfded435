/**
 * Charts from query results: a Vega-Lite spec chosen from the result's shape (or the kind the model asked for), drawn
 * server-side to PNG. Used by Slack (image in the thread), and available to the CLI (`--chart out.png`) and the API.
 */
import type { ChartImage, RenderOptions } from './render.js';
import { renderChartPng } from './render.js';
import { type ChartableResult, type ChartKind, type ChartWish, chooseChart } from './shape.js';
import { buildChartSpec, type ChartSpecOptions, chartNote } from './spec.js';

export { axisTitle, humanTitle } from './labels.js';
export { type ChartImage, type RenderOptions, renderChartPng, renderChartSvg } from './render.js';
export {
  type ChartableResult,
  type ChartChoice,
  type ChartKind,
  type ChartWish,
  type ColumnRole,
  chooseChart,
  columnRole,
} from './shape.js';
export { buildChartSpec, type ChartSpecOptions, chartNote } from './spec.js';

export interface ResultChart extends ChartImage {
  kind: ChartKind;
  /** The plotted measure columns, by name. */
  measures: string[];
  /** The x column's name. */
  x: string;
  /** What the caption must say (a left-out partial period), if anything. */
  note?: string;
}

/** Chooses and renders a chart for a result; undefined when the result has no chartable shape or 'none' was asked. */
export async function renderResultChart(
  result: ChartableResult,
  options: ChartSpecOptions & RenderOptions & { requested?: ChartKind | 'none'; wish?: ChartWish } = {},
): Promise<ResultChart | undefined> {
  const choice = chooseChart(result, options.requested, options.wish);
  if (!choice) return undefined;
  const spec = buildChartSpec(result, choice, options);
  const image = await renderChartPng(spec, options);
  const note = chartNote(spec);
  const measures = [choice.y, ...(choice.ys ?? [])].map((i) => result.columns[i]?.name ?? '');
  return { kind: choice.kind, measures, x: result.columns[choice.x]?.name ?? '', ...(note ? { note } : {}), ...image };
}

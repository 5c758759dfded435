/**
 * Charts from query results: a Vega-Lite spec chosen from the result's shape (or the kind the model asked for), drawn
 * server-side to PNG. Used by Slack (image in the thread), and available to the CLI (`--chart out.png`) and the API.
 */
import type { ChartImage, RenderOptions } from './render.js';
import { renderChartPng } from './render.js';
import { type ChartableResult, type ChartKind, chooseChart } from './shape.js';
import { buildChartSpec, type ChartSpecOptions } from './spec.js';

export { type ChartImage, type RenderOptions, renderChartPng, renderChartSvg } from './render.js';
export {
  type ChartableResult,
  type ChartChoice,
  type ChartKind,
  type ColumnRole,
  chooseChart,
  columnRole,
} from './shape.js';
export { buildChartSpec, type ChartSpecOptions } from './spec.js';

export interface ResultChart extends ChartImage {
  kind: ChartKind;
}

/** Chooses and renders a chart for a result; undefined when the result has no chartable shape or 'none' was asked. */
export async function renderResultChart(
  result: ChartableResult,
  options: ChartSpecOptions & RenderOptions & { requested?: ChartKind | 'none' } = {},
): Promise<ResultChart | undefined> {
  const choice = chooseChart(result, options.requested);
  if (!choice) return undefined;
  const image = await renderChartPng(buildChartSpec(result, choice, options), options);
  return { kind: choice.kind, ...image };
}

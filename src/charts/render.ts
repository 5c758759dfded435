/**
 * Server-side chart rendering: Vega-Lite -> Vega -> SVG (vega's headless renderer) -> PNG (resvg). The vega loader
 * refuses every URL and file, so a spec can only draw its inline data.
 */
import { Resvg } from '@resvg/resvg-js';
import { type Loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SleuthError } from '../common/errors.js';

export interface RenderOptions {
  /** Device pixels per CSS pixel (default 2: crisp on high-density screens). */
  scale?: number;
}

export interface ChartImage {
  png: Buffer;
  /** PNG size in pixels. */
  width: number;
  height: number;
}

/** A loader that refuses everything and remembers that something was asked for. */
function refusingLoader(): { loader: Loader; attempted: () => boolean } {
  let attempted = false;
  const refuse = async (): Promise<never> => {
    attempted = true;
    throw new Error('charts draw inline data only; loading URLs or files is disabled');
  };
  return { loader: { load: refuse, sanitize: refuse, http: refuse, file: refuse }, attempted: () => attempted };
}

function chartError(message: string, cause: unknown): SleuthError {
  return new SleuthError('CHART_ERROR', 'bug', message, { cause });
}

/** Renders a Vega-Lite spec to SVG text. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const { loader, attempted } = refusingLoader();
  let view: View;
  try {
    view = new View(parse(compile(spec).spec), { renderer: 'none', loader, logLevel: 0 });
  } catch (error) {
    throw chartError('The chart specification is invalid.', error);
  }
  try {
    const svg = await view.toSVG();
    // vega logs a failed load and draws without the data; a chart that wanted outside data is refused instead
    if (attempted()) throw new Error('the spec asked to load data from outside');
    return svg;
  } catch (error) {
    throw chartError('The chart could not be drawn.', error);
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to a PNG image. */
export async function renderChartPng(spec: TopLevelSpec, options: RenderOptions = {}): Promise<ChartImage> {
  const svg = await renderChartSvg(spec);
  try {
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 640);
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'width', value: Math.round(width * (options.scale ?? 2)) },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      background: 'white',
    });
    const image = resvg.render();
    return { png: image.asPng(), width: image.width, height: image.height };
  } catch (error) {
    throw chartError('The chart could not be rendered to PNG.', error);
  }
}

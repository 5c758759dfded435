/**
 * Charts from real demo results (the SQLite demo database through the guarded executor): the shape picks the chart,
 * the spec is declarative data with no URLs or expressions from the data, and the PNG has the right signature, size
 * and dimensions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildChartSpec,
  chooseChart,
  columnRole,
  renderChartPng,
  renderChartSvg,
  renderResultChart,
} from '../../../src/charts/index.js';
import type { DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, createSqlGuard, type QueryResult, type SqlExecutor } from '../../../src/sql/index.js';
import { silentLogger } from '../../helpers/databases.js';
import { openDemoSource } from '../../helpers/engine.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

let source: DataSource;
let executor: SqlExecutor;
const run = async (sql: string): Promise<QueryResult> => executor.execute(source, sql);

beforeAll(async () => {
  source = await openDemoSource('sqlite');
  executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
});
afterAll(async () => {
  await source?.close();
});

describe('chart choice from the result shape', () => {
  it('time + measure -> line; category + measure -> bar; two measures -> scatter; else none', async () => {
    const monthly = await run(
      "SELECT strftime('%Y-%m', signup_date) AS month, COUNT(*) AS signups FROM customers GROUP BY 1 ORDER BY 1",
    );
    expect(monthly.columns.map((_, i) => columnRole(monthly, i))).toEqual(['time', 'measure']);
    expect(chooseChart(monthly)).toEqual({ kind: 'line', x: 0, y: 1 });

    const byChannel = await run('SELECT acquisition_channel, COUNT(*) AS signups FROM customers GROUP BY 1');
    expect(chooseChart(byChannel)).toEqual({ kind: 'bar', x: 0, y: 1 });

    const priceCost = await run('SELECT id, unit_price, unit_cost FROM products');
    expect(columnRole(priceCost, 0)).toBe('category'); // an id is a label, not a measure
    expect(chooseChart(priceCost, 'scatter')).toEqual({ kind: 'scatter', x: 1, y: 2 });

    const byMonthAndChannel = await run(
      "SELECT strftime('%Y-%m', signup_date) AS month, acquisition_channel, COUNT(*) AS n FROM customers WHERE signup_date >= '2026-01-01' GROUP BY 1, 2",
    );
    expect(chooseChart(byMonthAndChannel)).toEqual({ kind: 'line', x: 0, y: 2, series: 1 });

    expect(chooseChart(await run('SELECT COUNT(*) AS n FROM customers'))).toBeUndefined(); // one row
    expect(chooseChart(await run('SELECT name, email FROM customers LIMIT 5'))).toBeUndefined(); // no measure
    expect(chooseChart(monthly, 'none')).toBeUndefined();
    expect(chooseChart(byChannel, 'line')).toEqual({ kind: 'bar', x: 0, y: 1 }); // no time column: falls back
  });

  it('puts the data in as inline values under fixed field names', () => {
    const result = {
      columns: [
        { name: 'datum.x"]; alert(1); //', type: 'text' },
        { name: 'n', type: 'integer' },
      ],
      rows: [
        ['<script>', 1],
        ['https://evil.example/data.csv', 2],
      ],
    };
    const spec = buildChartSpec(result, chooseChart(result)!) as unknown as Record<string, unknown>;
    expect(spec.data).toEqual({
      values: [
        { x: '<script>', y: 1 },
        { x: 'https://evil.example/data.csv', y: 2 },
      ],
    });
    const encoding = spec.encoding as Record<string, { field: string }>;
    expect(encoding.x?.field).toBe('x');
    expect(encoding.y?.field).toBe('y');
    expect(JSON.stringify(spec)).not.toMatch(/"url"|"expr"|"signal"|"transform"/);
  });
});

describe('PNG rendering', () => {
  it('renders a line chart of monthly signups', async () => {
    const monthly = await run(
      "SELECT strftime('%Y-%m', signup_date) AS month, COUNT(*) AS signups FROM customers GROUP BY 1 ORDER BY 1",
    );
    const chart = await renderResultChart(monthly, { title: 'Signups per month' });
    expect(chart?.kind).toBe('line');
    expect(chart!.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(chart!.png)).toEqual({ width: chart!.width, height: chart!.height });
    // 640 x 320 plot plus axes, titles and padding, at 2x
    expect(chart!.width).toBeGreaterThanOrEqual(1300);
    expect(chart!.width).toBeLessThanOrEqual(1700);
    expect(chart!.height).toBeGreaterThanOrEqual(700);
    expect(chart!.height).toBeLessThanOrEqual(900);
    expect(chart!.png.length).toBeGreaterThan(20_000);
    expect(chart!.png.length).toBeLessThan(1_000_000);
  });

  it('renders a bar chart of revenue by product category, at the requested scale', async () => {
    const revenue = await run(
      "SELECT p.category, ROUND(SUM(oi.quantity * oi.unit_price), 2) AS revenue FROM order_items oi JOIN products p ON p.id = oi.product_id JOIN orders o ON o.id = oi.order_id WHERE o.status = 'completed' GROUP BY 1 ORDER BY 2 DESC",
    );
    const chart = await renderResultChart(revenue, { scale: 1, width: 400, height: 200 });
    expect(chart?.kind).toBe('bar');
    expect(chart!.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const size = pngSize(chart!.png);
    expect(size.width).toBeGreaterThanOrEqual(400);
    expect(size.width).toBeLessThanOrEqual(600);
    expect(size.height).toBeGreaterThanOrEqual(200);
    expect(size.height).toBeLessThanOrEqual(450);
    expect(chart!.png.length).toBeGreaterThan(5_000);
  });

  it('draws the data: the SVG has one bar per category and the axis titles', async () => {
    const byChannel = await run('SELECT acquisition_channel, COUNT(*) AS signups FROM customers GROUP BY 1');
    const svg = await renderChartSvg(buildChartSpec(byChannel, chooseChart(byChannel)!));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/role-graphics-symbol|aria-roledescription="bar"/g)?.length).toBeGreaterThanOrEqual(6);
    // axis titles for readers, from the column names
    expect(svg).toContain('Acquisition channel');
    expect(svg).toContain('Signups');
    expect(svg).not.toContain('acquisition_channel');
  });

  it('refuses specs that try to load data from a URL', async () => {
    await expect(
      renderChartPng({
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { url: 'http://127.0.0.1:9/secret.csv' },
        mark: 'bar',
        encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
      }),
    ).rejects.toMatchObject({ code: 'CHART_ERROR' });
  });
});

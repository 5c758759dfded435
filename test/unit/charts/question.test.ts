/**
 * Charts from the question, on real demo results: the measure the answer names (not the first numeric column), every
 * series of a comparison, a partial last month left out and said in the subtitle, human titles (never cut mid-word)
 * and axis titles from column names, bars sorted for rankings. The Vega-Lite spec of each case is snapshotted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChartSpec, type ChartWish, chartNote, chooseChart, humanTitle } from '../../../src/charts/index.js';
import type { DataSource } from '../../../src/datasources/index.js';
import { createSqlExecutor, createSqlGuard, type QueryResult, type SqlExecutor } from '../../../src/sql/index.js';
import { silentLogger } from '../../helpers/databases.js';
import { openDemoSource } from '../../helpers/engine.js';

let source: DataSource;
let executor: SqlExecutor;
const run = async (sql: string): Promise<QueryResult> => executor.execute(source, sql);
const NOW = new Date('2026-11-15T00:00:00Z');

beforeAll(async () => {
  source = await openDemoSource('sqlite');
  executor = createSqlExecutor({ guard: await createSqlGuard(), logger: silentLogger });
});
afterAll(async () => {
  await source?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: Vega-Lite specs are read freely here
type Spec = any;

async function specFor(sql: string, wish: ChartWish, title: string, requested?: 'line' | 'bar'): Promise<Spec> {
  const result = await run(sql);
  const choice = chooseChart(result, requested, wish);
  expect(choice).toBeDefined();
  return buildChartSpec(result, choice!, { title, now: NOW });
}

describe('charts from the question', () => {
  it('ranking: "top products by revenue" plots revenue, not units_sold, largest first', async () => {
    const spec = await specFor(
      `SELECT p.name AS product, SUM(oi.quantity) AS units_sold, ROUND(SUM(oi.quantity * oi.unit_price), 2) AS revenue
       FROM order_items oi JOIN orders o ON o.id = oi.order_id JOIN products p ON p.id = oi.product_id
       WHERE o.status = 'completed' AND o.ordered_at >= '2026-01-01' GROUP BY p.name ORDER BY revenue DESC LIMIT 5`,
      { measures: ['revenue'] },
      'Top products by revenue in 2026',
      'bar',
    );
    expect(spec.encoding.y.title).toBe('Revenue (USD)');
    expect(spec.encoding.x).toMatchObject({ title: 'Product', sort: '-y' });
    expect(spec.data.values.map((v: { y: number }) => v.y)).toEqual([610006, 458574, 281690, 246040.51, 205751.95]);
    expect(spec).toMatchSnapshot();
    // without the wish, the first numeric column would have been charted
    const result = await run(
      `SELECT p.name AS product, SUM(oi.quantity) AS units_sold, ROUND(SUM(oi.quantity * oi.unit_price), 2) AS revenue
       FROM order_items oi JOIN products p ON p.id = oi.product_id GROUP BY p.name LIMIT 5`,
    );
    expect(result.columns[chooseChart(result, 'bar')!.y]!.name).toBe('units_sold');
  });

  it('comparison in wide form: "paid social vs the rest" plots both series', async () => {
    const spec = await specFor(
      `SELECT strftime('%Y-%m', signup_date) AS month,
         SUM(CASE WHEN acquisition_channel = 'paid_social' THEN 1 ELSE 0 END) AS paid_social,
         SUM(CASE WHEN acquisition_channel <> 'paid_social' THEN 1 ELSE 0 END) AS the_rest
       FROM customers WHERE signup_date >= '2026-05-01' AND signup_date < '2026-11-01' GROUP BY 1 ORDER BY 1`,
      { measures: ['paid_social', 'the_rest'] },
      'Paid social signups versus every other channel, month by month since May',
    );
    const series = new Set(spec.data.values.map((v: { series: string }) => v.series));
    expect([...series]).toEqual(['Paid social', 'The rest']);
    expect(spec.data.values).toHaveLength(12);
    expect(spec.encoding.color.field).toBe('series');
    expect(spec).toMatchSnapshot();
  });

  it('comparison in long form: a series column splits the measure', async () => {
    const spec = await specFor(
      `SELECT strftime('%Y-%m', signup_date) AS month, CASE WHEN acquisition_channel = 'paid_social' THEN 'paid social'
         ELSE 'the rest' END AS channel_group, COUNT(*) AS signups
       FROM customers WHERE signup_date >= '2026-08-01' AND signup_date < '2026-11-01' GROUP BY 1, 2 ORDER BY 1, 2`,
      { measures: ['signups'], series: 'channel_group' },
      'Signups: paid social vs the rest',
    );
    expect(new Set(spec.data.values.map((v: { series: string }) => v.series))).toEqual(
      new Set(['paid social', 'the rest']),
    );
    expect(spec.encoding.color.title).toBe('Channel group');
  });

  it('a churn question plots churn_pct, not the counts', async () => {
    const spec = await specFor(
      `SELECT plan, COUNT(*) AS subscriptions, SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS churned,
         ROUND(100.0 * SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) / COUNT(*), 1) AS churn_pct
       FROM subscriptions GROUP BY plan ORDER BY churn_pct DESC`,
      { measures: ['churn_pct'] },
      'Churn by plan',
      'bar',
    );
    expect(spec.encoding.y).toMatchObject({ title: 'Churn (%)', axis: { format: ',.1~f' } });
    expect(spec.data.values.every((v: { y: number }) => v.y > 0 && v.y < 100)).toBe(true);
    expect(spec).toMatchSnapshot();
  });

  it('leaves out a month that is not over and says so', async () => {
    const spec = await specFor(
      `SELECT strftime('%Y-%m', ordered_at) AS month, ROUND(SUM(total), 2) AS revenue FROM orders
       WHERE status = 'completed' AND ordered_at >= '2026-06-01' GROUP BY 1 ORDER BY 1`,
      { measures: ['revenue'] },
      'Revenue by month',
      'line',
    );
    expect(spec.data.values).toHaveLength(5); // June..October; November 2026 is not over on 2026-11-15
    expect(chartNote(spec)).toBe('The period from 2026-11-01 is left out: it is not over yet (data to 2026-11-14).');
    expect(spec.encoding.x.title).toBe('Month');
    expect(spec).toMatchSnapshot();
    // full months only: nothing left out
    const full = await specFor(
      `SELECT strftime('%Y-%m', ordered_at) AS month, ROUND(SUM(total), 2) AS revenue FROM orders
       WHERE status = 'completed' AND ordered_at >= '2026-06-01' AND ordered_at < '2026-11-01' GROUP BY 1 ORDER BY 1`,
      { measures: ['revenue'] },
      'Revenue by month',
      'line',
    );
    expect(full.data.values).toHaveLength(5);
    expect(chartNote(full)).toBeUndefined();
  });

  it('titles are cut at a word, never mid-word', () => {
    const long = 'Monthly recurring revenue by plan for every customer segment we track across all regions';
    const title = humanTitle(long, 40);
    expect(title.length).toBeLessThanOrEqual(40);
    expect(title.endsWith('…')).toBe(true);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
    expect(long[title.length - 1]).toBe(' '); // the cut falls on a space
    expect(humanTitle('Short title')).toBe('Short title');
  });
});

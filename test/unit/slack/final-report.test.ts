/**
 * A finished thread is a report: the final message of a three-query investigation keeps each claim's evidence table
 * (formatted for readers, the long one noted as "first 10 of 11 rows" and filed as CSV), closes every plan step and
 * has no Cancel. The same renderer ends both live modes; the stream's final task chunks close every task too.
 */
import { describe, expect, it } from 'vitest';
import type { InvestigationEventBody } from '../../../src/agent/index.js';
import {
  finalEvidence,
  finalTaskChunks,
  keyNumberText,
  messageProblems,
  renderFinal,
  renderProgress,
  stepLine,
} from '../../../src/slack/render/index.js';
import { fold } from './states.js';

const TOP = 'SELECT product, units_sold, revenue FROM top_products';
const MONTHLY = 'SELECT month, revenue, orders FROM monthly';
const CHURN = 'SELECT subscriptions, churned, churn_pct FROM churn';
const MONTHS = [
  ['2026-01', 397427.91, 722],
  ['2026-02', 419428.79, 798],
  ['2026-03', 521609.0, 957],
  ['2026-04', 524846.04, 923],
  ['2026-05', 505333.51, 1017],
  ['2026-06', 573488.44, 1076],
  ['2026-07', 598602.91, 1110],
  ['2026-08', 509875.37, 1079],
  ['2026-09', 718427.68, 1234],
  ['2026-10', 756505.95, 1363],
  ['2026-11', 407519.51, 742],
];

const text = (name: string) => ({ name, type: 'text' });
const num = (name: string) => ({ name, type: 'real' });

const REPORT: InvestigationEventBody[] = [
  { type: 'step_started', step: 1, title: 'Planning' },
  {
    type: 'plan',
    revision: 1,
    steps: [
      { title: 'Rank products by revenue', status: 'done' },
      { title: 'Revenue by month this year', status: 'done' },
      { title: 'Churn share of subscriptions', status: 'in_progress' },
      { title: 'Compare with last year', status: 'pending' },
    ],
  },
  { type: 'step_started', step: 8, title: 'Step 8' },
  { type: 'sql', callId: 'q1', connection: 'demo', sql: TOP, purpose: 'top products by revenue' },
  {
    type: 'sql_result',
    callId: 'q1',
    columns: [text('product'), num('units_sold'), num('revenue')],
    rows: [
      ['Smart Widget Pro', 6854, 610006],
      ['Quiet Diffuser', 3323, 458574],
      ['Turbo Charger', 1657, 281690],
      ['Summit Lantern', 1249, 246040.51],
      ['Quiet Clock', 1805, 205751.95],
    ],
    rowCount: 5,
    truncated: false,
    elapsedMs: 21,
  },
  { type: 'sql', callId: 'q2', connection: 'demo', sql: MONTHLY, purpose: 'revenue by month' },
  {
    type: 'sql_result',
    callId: 'q2',
    columns: [text('month'), num('revenue'), num('orders')],
    rows: MONTHS.slice(0, 10),
    rowCount: 11,
    truncated: false,
    elapsedMs: 33,
  },
  { type: 'sql', callId: 'q3', connection: 'demo', sql: CHURN, purpose: 'churn share' },
  {
    type: 'sql_result',
    callId: 'q3',
    columns: [num('subscriptions'), num('churned'), num('churn_pct')],
    rows: [[3468, 1362, 39.3]],
    rowCount: 1,
    truncated: false,
    elapsedMs: 4,
  },
  {
    type: 'done',
    answer: {
      text: 'Smart Widget Pro leads 2026 revenue; revenue peaked in October; 39.3% of subscriptions churned.',
      keyNumbers: [
        { label: 'Revenue 2026', value: '5933065.11', unit: 'USD' },
        { label: 'Churned subscriptions', value: '39.3', unit: '%' },
      ],
      evidence: [
        { claim: 'Top products by revenue in 2026', sql: TOP, rowCount: 5 },
        { claim: 'Revenue by month in 2026', sql: MONTHLY, rowCount: 11 },
        { claim: 'Share of subscriptions that churned', sql: CHURN, rowCount: 1 },
      ],
      caveats: ['Revenue counts completed orders only.'],
      followUps: [],
      partial: false,
    },
  },
];

function blocksJson(message: { blocks: unknown[] }): string {
  return JSON.stringify(message.blocks);
}

describe('the final message of a three-query investigation', () => {
  const state = fold(REPORT, 'How did revenue do this year, and what is churn?');
  const final = renderFinal(state);

  it('matches the snapshot and stays within Slack limits', () => {
    expect(messageProblems(final)).toEqual([]);
    expect(final).toMatchSnapshot();
    expect(finalTaskChunks(state)).toMatchSnapshot();
  });

  it('keeps every claim with its evidence table, numbers formatted for readers', () => {
    const json = blocksJson(final);
    for (const claim of ['Top products by revenue in 2026', 'Revenue by month in 2026', 'Share of subscriptions']) {
      expect(json).toContain(claim);
    }
    expect(json).toContain('$610,006'); // revenue column: currency with separators
    expect(json).toContain('$246,041'); // rounded to whole dollars from 1,000 up
    expect(json).toContain('6,854'); // units: thousands separator, no currency
    expect(json).not.toContain('$6,854');
    expect(json).toContain('39.3%'); // churn_pct: percent
    expect(json).toContain('$5,933,065'); // key number with unit USD
    expect(json).not.toContain('628215');
    expect(json).toContain('first 10 of 11 rows');
    expect(json).toContain('(1 row)');
    expect(json).not.toMatch(/[^\d,]1 rows/);
  });

  it('marks the long result for CSV and keeps the short ones in the message only', () => {
    const decisions = finalEvidence(state).map((e) => ({ claim: e.claim, table: e.table, csv: e.csv }));
    expect(decisions).toEqual([
      { claim: 'Top products by revenue in 2026', table: true, csv: false },
      { claim: 'Revenue by month in 2026', table: true, csv: true },
      { claim: 'Share of subscriptions that churned', table: true, csv: false },
    ]);
  });

  it('closes every plan step and has no Cancel', () => {
    const json = blocksJson(final);
    expect(json).toContain(':white_check_mark: Churn share of subscriptions'); // in progress -> done on an answer
    expect(json).toContain(':heavy_minus_sign: Compare with last year'); // pending -> skipped
    expect(json).not.toContain(':hourglass_flowing_sand:');
    expect(json).not.toContain(':white_large_square:');
    expect(json).not.toContain('sleuth_cancel');
    expect(json).not.toContain('Cancel');
    const tasks = finalTaskChunks(state);
    expect(tasks.map((t) => t.status)).not.toContain('in_progress');
    expect(tasks.map((t) => t.status)).not.toContain('pending');
    expect(tasks.find((t) => t.id === 'plan-4')).toMatchObject({ status: 'complete', details: 'skipped' });
  });

  it('shows a short id in the footer', () => {
    const withUuid = fold(REPORT.slice(0, 3), 'q');
    const id = '8b1d2c3e-aaaa-bbbb-cccc-123456789abc';
    const done = renderFinal({ ...state, investigationId: id });
    const footer = JSON.stringify(done.blocks.at(-1));
    expect(footer).toContain('id 8b1d2c3e');
    expect(footer).not.toContain(id);
    expect(withUuid.plan).toHaveLength(4);
  });

  it('fails the plan step in progress when the investigation failed', () => {
    const failed = fold([...REPORT.slice(0, 4), { type: 'failed', error: { code: 'MODEL_TIMEOUT', message: 'x' } }]);
    const tasks = finalTaskChunks(failed);
    expect(tasks.find((t) => t.id === 'plan-3')).toMatchObject({ status: 'error' });
    expect(tasks.find((t) => t.id === 'sql-q1')).toMatchObject({ status: 'error', output: 'did not finish' });
  });
});

describe('the live step line', () => {
  it('never reads "Step 8: Step 8"', () => {
    const state = fold(REPORT.slice(0, 3));
    expect(stepLine(state)).toBe('*Step 8:* Churn share of subscriptions');
    expect(JSON.stringify(renderProgress(state, 'run-1').blocks)).not.toContain('Step 8: Step 8');
    expect(stepLine({ plan: [], step: { n: 8, title: 'Step 8' } })).toBe('*Step 8*');
    expect(stepLine({ plan: [], step: { n: 3, title: 'Counting signups.' } })).toBe('*Step 3:* Counting signups.');
  });
});

describe('key numbers for readers', () => {
  it('formats by unit or label, in the configured locale', () => {
    expect(keyNumberText({ label: 'Revenue', value: '628215.16' })).toBe('$628,215');
    expect(keyNumberText({ label: 'Churn', value: '38.2', unit: '%' })).toBe('38.2%');
    expect(keyNumberText({ label: 'Signups', value: '1363', unit: 'customers' })).toBe('1,363 customers');
    expect(keyNumberText({ label: 'Top channel', value: 'organic' })).toBe('organic');
    expect(keyNumberText({ label: 'Year', value: '2026' })).toBe('2026');
    const de = { locale: 'de-DE', currency: 'EUR' };
    expect(keyNumberText({ label: 'Revenue', value: '628215.16' }, de).replace(/\s/g, ' ')).toBe('628.215 €');
    expect(keyNumberText({ label: 'Share', value: '38.25', unit: '%' }, de)).toBe('38,3%');
  });
});

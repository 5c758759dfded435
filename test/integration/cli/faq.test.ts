import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';

const repoKnowledge = join(import.meta.dirname, '..', '..', '..', 'knowledge');

describe('sleuth faq --format json: the FAQ tier for batch evaluation, no model', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-faq-cli-'));
  const env = { SLEUTH_NOW: '2026-11-15' };

  beforeAll(() => {
    cpSync(repoKnowledge, join(cwd, 'knowledge'), { recursive: true });
  });

  it('prints one JSON line per stdin question: answered with parameters and rows, ask_back, miss', async () => {
    const stdin = [
      'revenue last month',
      '',
      'How many customers do we have in total?',
      'revenue this time last year',
      'top 3 products by revenue, all time',
    ].join('\n');
    const run = await runSleuth(['faq', '--format', 'json'], { cwd, env, stdin });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      question: 'revenue last month',
      outcome: 'answered',
      verified_query: 'revenue_total',
      parameters: { period: { start: '2026-10-01', end: '2026-11-01' } },
      columns: ['revenue', 'completed_orders'],
    });
    const rows = lines[0]?.rows as number[][];
    expect(rows).toHaveLength(1);
    // the same number `sleuth sql` gives for the verified query's definition
    const sql = await runSleuth(
      [
        'sql',
        '--format',
        'json',
        "SELECT ROUND(SUM(total), 2) AS revenue FROM orders WHERE status = 'completed' AND ordered_at >= '2026-10-01' AND ordered_at < '2026-11-01'",
      ],
      { cwd, env },
    );
    expect(sql.stdout).toContain(String(rows[0]?.[0]));
    expect(lines[1]).toEqual({
      question: 'How many customers do we have in total?',
      outcome: 'miss',
      verified_query: null,
      parameters: {},
      columns: [],
      rows: [],
      interpretation: null,
      // why the nearest verified query does not answer it
      reason: expect.stringMatching(/^churned_subscriptions: none of the measures named is the query answer$/),
    });
    expect(lines[2]).toMatchObject({ outcome: 'ask_back', verified_query: 'revenue_total', rows: [] });
    expect(lines[3]).toMatchObject({
      outcome: 'answered',
      verified_query: 'top_products_by_revenue',
      parameters: { limit: 3, period: { start: '1900-01-01', end: '2026-11-16' } },
    });
    expect(lines[3]?.rows).toHaveLength(3);
  }, 60_000);

  it('honours SLEUTH_NOW and takes questions as arguments too', async () => {
    const run = await runSleuth(['faq', '--format', 'json', 'signups last month'], {
      cwd,
      env: { SLEUTH_NOW: '2026-03-10' },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({
      verified_query: 'signups_total',
      parameters: { period: { start: '2026-02-01', end: '2026-03-01' } },
    });
  }, 60_000);

  it('sends "How many customers do we have in total?" to the agent from `sleuth ask` instead of another metric', async () => {
    const run = await runSleuth(['ask', 'How many customers do we have in total?'], { cwd, env });
    // no model is configured: the agent cannot run, and no verified query answered in its place
    expect(run.stderr).toMatch(/No model is configured/);
    expect(run.stdout).not.toMatch(/verified query/i);
    expect(run.stdout).not.toMatch(/refund/i);
  }, 60_000);

  it('explains itself in --help and rejects an unknown format', async () => {
    const help = await runSleuth(['faq', '--help'], { cwd, env });
    expect(help.stdout).toMatch(/one JSON object per line/);
    expect(help.stdout).toMatch(/end\s+exclusive/);
    const bad = await runSleuth(['faq', '--format', 'yaml', 'x'], { cwd, env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--format must be json or text/);
  });
});

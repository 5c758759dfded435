/**
 * A finished thread is a report, through the real Bolt app, the real engine on the SQLite demo data and the Slack Web
 * API recorder, in both live modes: a three-query investigation ends with each claim's evidence table (numbers
 * formatted for readers), every plan step closed, no Cancel, the long result as CSV; streaming and chat.update end in
 * the same final content.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScript } from '../../../src/agent/index.js';
import { messageProblems } from '../../../src/slack/index.js';
import type { SlackCall } from '../../peers/slack-web-api.js';
import { type Harness, startHarness } from './harness.js';

const REPORT = loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'revenue-report-sqlite.yaml'));
const QUESTION = 'How did revenue do this year, which products drove it, and what is churn?';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The final message as both modes leave it, with the per-run parts (ids, timings) blanked for comparison. */
function comparable(call: SlackCall): unknown {
  return JSON.parse(
    JSON.stringify(call.body.blocks)
      .replace(/"value":"[^"]*"/g, '"value":"ID"')
      .replace(/\d+\.\d s · id [0-9a-f]{8}/g, 'TIME · id ID'),
  );
}

async function finishedThread(streaming: 'auto' | 'off'): Promise<{ h: Harness; final: SlackCall }> {
  const h = await startHarness({ turns: REPORT, streaming, updateIntervalMs: 50 });
  harness = h;
  const { status } = await h.mention(QUESTION);
  expect(status).toBe(200);
  await h.slack.waitFor(() => h.slack.ok('files.completeUploadExternal').length >= 2, 30_000);
  await h.app.idle();
  const final = h.slack.ok('chat.update').at(-1)!;
  expect(final).toBeDefined();
  return { h, final };
}

function expectReport(h: Harness, final: SlackCall): void {
  expect(messageProblems({ text: String(final.body.text), blocks: final.body.blocks })).toEqual([]);
  const json = JSON.stringify(final.body.blocks);
  // each claim with its evidence table, numbers for readers
  expect(json).toContain('*Top products by revenue in 2026*');
  expect(json).toContain('Smart Widget Pro');
  expect(json).toContain('$610,006');
  expect(json).toContain('6,854');
  expect(json).toContain('*Revenue by month in 2026* _(first 10 of 11 rows; all of them in the CSV below)_');
  expect(json).toContain('$756,506');
  expect(json).toContain('*Share of subscriptions that churned*');
  expect(json).toContain('39.3%');
  expect(json).toContain('$5,933,065'); // key number
  expect(json).toContain('(1 row)');
  // every plan step closed, no Cancel
  expect(json).toContain(':heavy_minus_sign: Compare with last year');
  expect(json).toContain(':white_check_mark: Churn share of subscriptions');
  expect(json).not.toContain(':hourglass_flowing_sand:');
  expect(json).not.toContain(':white_large_square:');
  expect(json).not.toContain('sleuth_cancel');
  // the long result went up as CSV, with all 11 rows
  const csv = h.slack.uploads.find((u) => u.filename.endsWith('.csv'));
  expect(csv?.bytes.toString('utf8').trim().split('\r\n')).toHaveLength(12);
  // the chart plots the answer's measure (finish: chart_measure revenue), not the first numeric column (units_sold)
  const titles = h.slack
    .ok('files.completeUploadExternal')
    .flatMap((c) => (c.body.files ?? []) as { title?: string }[])
    .map((f) => f.title ?? '');
  expect(titles).toContain('Chart: Revenue (USD) by product');
  expect(titles.join('\n')).not.toMatch(/Units sold/);
}

describe('a finished Slack thread is a report', () => {
  it('streaming: stopStream closes every task, then the message becomes the report', async () => {
    const { h, final } = await finishedThread('auto');
    const stop = h.slack.ok('chat.stopStream');
    expect(stop).toHaveLength(1);
    const chunks = (stop[0]!.body.chunks ?? []) as { type: string; id?: string; status?: string }[];
    expect(chunks.length).toBeGreaterThan(0);
    // after the stream: every plan task was last sent closed
    const sent = new Map<string, string>();
    for (const call of h.slack.calls.filter((c) => c.method.endsWith('Stream'))) {
      for (const chunk of (call.body.chunks ?? []) as { type: string; id?: string; status?: string }[]) {
        if (chunk.type === 'task_update' && chunk.id) sent.set(chunk.id, String(chunk.status));
      }
    }
    expect([...sent.keys()].filter((id) => id.startsWith('plan-'))).toHaveLength(4);
    expect([...sent.values()].every((s) => s === 'complete' || s === 'error')).toBe(true);
    // the final chat.update replaces the streamed message (its Cancel button included)
    expect(final.at).toBeGreaterThanOrEqual(stop[0]!.at);
    expect(final.body.ts).toBe(h.slack.ok('chat.startStream')[0]!.response?.ts);
    expectReport(h, final);
  }, 60_000);

  it('chat.update mode ends in the same final content as streaming', async () => {
    const streamed = await finishedThread('auto');
    const streamedFinal = comparable(streamed.final);
    await streamed.h.close();
    harness = undefined;
    const { h, final } = await finishedThread('off');
    expect(h.slack.calls.filter((c) => c.method.endsWith('Stream'))).toEqual([]);
    expectReport(h, final);
    expect(comparable(final)).toEqual(streamedFinal);
  }, 90_000);
});

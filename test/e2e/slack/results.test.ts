/**
 * What lands in the thread besides the message: the full result as CSV when it is too large for a message, a chart
 * image for a time series; data and model text that try to ping or link are posted as harmless literal text; a failed
 * investigation ends with a short reason and Re-run, never a stack trace.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScript } from '../../../src/agent/index.js';
import { messageProblems } from '../../../src/slack/index.js';
import { type Harness, type HarnessOptions, postedPayloads, startHarness, visibleText } from './harness.js';

const fixture = (name: string) => loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'slack', name));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let harness: Harness | undefined;
async function open(options: HarnessOptions): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('result files', () => {
  it('uploads a large result as CSV and a time series as a PNG line chart, in the thread', async () => {
    const h = await open({ turns: fixture('monthly-signups.yaml') });
    const { ts } = await h.mention('How did signups develop per month?');
    await h.slack.waitFor(() => h.slack.ok('files.completeUploadExternal').length === 2);
    await h.app.idle();

    const requested = h.slack.ok('files.getUploadURLExternal').map((c) => c.body.filename);
    expect(requested).toEqual(['sleuth-result-1.csv', 'sleuth-chart-1.png']);
    for (const complete of h.slack.ok('files.completeUploadExternal')) {
      expect(complete.body).toMatchObject({ channel_id: h.channel, thread_ts: ts });
    }
    const csv = h.slack.uploads.find((u) => u.filename.endsWith('.csv'))!;
    const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('month,signups');
    expect(lines).toHaveLength(38); // header + 37 months (2023-11 .. 2026-11)
    expect(lines[1]).toMatch(/^2023-11,\d+$/);
    const total = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0);
    expect(total).toBe(5173); // every customer, not just the rows shown in the message

    const png = h.slack.uploads.find((u) => u.filename.endsWith('.png'))!;
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.bytes.length).toBeGreaterThan(10_000);

    // the message itself shows the first 10 rows and says the rest is in the CSV, not a 37-row table
    const final = JSON.stringify(h.slack.ok('chat.stopStream')[0]?.body.blocks);
    expect(final).toContain('Signups grew over the three years');
    expect(final).toContain('first 10 of 37 rows; all of them in the CSV below');
    expect(final).toContain('2024-08');
    expect(final).not.toContain('2024-09');
  });
});

describe('safety of what is posted', () => {
  it('renders mention and link injection from data and model text harmless', async () => {
    const h = await open({ turns: fixture('injection.yaml'), streaming: 'off' });
    await h.mention('List three catalogue entries with their annotations for the review board.');
    await h.slack.waitFor(() => h.app.runner.active() === 0 && h.slack.ok('chat.update').length > 0);
    await h.app.idle();

    const text = visibleText(h.slack);
    // the data and the answer did reach Slack...
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;!everyone&gt;');
    expect(text).toContain('&lt;@\u2060U0VICTIM2&gt;'); // a word joiner keeps @U... inert too
    // ...but never as a live mention, broadcast, channel link, user group or link
    for (const live of [
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@U0VICTIM',
      '<#C0GENERAL',
      '<https://evil',
      '<!subteam',
    ]) {
      expect(text).not.toContain(live);
    }
    expect(text).not.toMatch(/@(here|channel|everyone)\b/);
    for (const post of h.slack.ok('chat.postMessage')) {
      expect(post.body).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    }
    for (const payload of postedPayloads(h.slack)) expect(messageProblems(payload)).toEqual([]);
  });

  it('ends a failed investigation with a short reason and Re-run, without internals', async () => {
    const h = await open({
      turns: [{ fault: { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 999999 tokens' } }],
      streaming: 'off',
    });
    const { ts } = await h.mention('How many customers are there?');
    await h.slack.waitFor(() => h.app.runner.active() === 0 && h.slack.ok('chat.update').length > 0);
    await h.app.idle();
    const final = h.slack.ok('chat.update').at(-1)!;
    const blocks = JSON.stringify(final.body.blocks);
    expect(blocks).toContain("I couldn't finish this investigation.");
    expect(blocks).toContain('sleuth_rerun');
    expect(blocks).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack frames
    expect(blocks).not.toContain('sk-ant-');
    expect(blocks).not.toContain('sleuth_cancel');
    expect(h.slack.ok('chat.postMessage')[0]?.body.thread_ts).toBe(ts);
    const [record] = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(record?.status).toBe('failed');
    expect(blocks).toContain(record!.id); // Re-run carries the investigation id
  });
});

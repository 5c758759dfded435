/**
 * Mentions become threaded live investigations: streaming when the workspace takes it, chat.update when it refuses,
 * updates bounded to about one per second per message, 429 Retry-After honoured, Slack retries never investigated
 * twice, forged requests refused.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScript, type ScriptTurn } from '../../../src/agent/index.js';
import { messageProblems } from '../../../src/slack/index.js';
import type { SlackCall } from '../../peers/slack-web-api.js';
import { type Harness, type HarnessOptions, postedPayloads, startHarness } from './harness.js';

const SIGNUPS = loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml'));
const QUESTION = 'How many customers signed up last month, and which channel drove it?';
const ANSWER = 'Last month (October 2026) the top acquisition channel was organic.';
const STREAM_METHODS = ['chat.startStream', 'chat.appendStream', 'chat.stopStream'];

const slow = (turns: ScriptTurn[], ms: number): ScriptTurn[] => turns.map((t) => ({ ...t, delay_ms: ms }));

let harness: Harness | undefined;
async function open(options: HarnessOptions): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Milliseconds between consecutive calls. */
function gaps(calls: readonly SlackCall[]): number[] {
  return calls.slice(1).map((call, i) => call.at - calls[i]!.at);
}

function expectAllWithinLimits(h: Harness): void {
  for (const payload of postedPayloads(h.slack)) expect(messageProblems(payload), payload.method).toEqual([]);
  expect(h.slack.calls.filter((c) => c.outcome === 'refused' && !STREAM_METHODS.includes(c.method))).toEqual([]);
}

function blocksText(call: SlackCall | undefined): string {
  return JSON.stringify(call?.body.blocks ?? []);
}

describe('app_mention in a channel', () => {
  it('streams a threaded reply and ends with the answer, key numbers and Show SQL; Show SQL reveals the SQL', async () => {
    const h = await open({ turns: SIGNUPS });
    const { ts, status } = await h.mention(QUESTION);
    expect(status).toBe(200);
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();

    const start = h.slack.ok('chat.startStream')[0]!;
    expect(start.body).toMatchObject({ channel: h.channel, thread_ts: ts, recipient_user_id: h.user });
    // the assistant status exists only in assistant threads (DMs): never called in a channel
    expect(h.slack.calls.filter((c) => c.method === 'assistant.threads.setStatus')).toEqual([]);
    // the plan and the SQL runs went out as task chunks
    const chunks = h.slack.calls.filter((c) => STREAM_METHODS.includes(c.method)).flatMap((c) => c.body.chunks ?? []);
    expect(chunks.filter((c) => c.type === 'task_update').map((c) => c.title)).toEqual(
      expect.arrayContaining(['Find where signups live', 'signups last month by channel']),
    );
    expect(chunks.some((c) => c.type === 'task_update' && c.status === 'error')).toBe(true); // the typo and the guard
    const stop = h.slack.ok('chat.stopStream')[0]!;
    const final = blocksText(stop);
    expect(final).toContain(ANSWER);
    expect(final).toContain('Top channel');
    expect(final).toContain('sleuth_show_sql');
    expect(final).toContain('signup_date is the account creation date in UTC.');
    expect(final).toContain('organic'); // the small result table
    // one chat.update after the stream stopped: the streamed message (its Cancel included) becomes the report
    expect(h.slack.ok('chat.update')).toHaveLength(1);
    expect(h.slack.ok('chat.update')[0]!.body.ts).toBe(h.slack.ok('chat.startStream')[0]!.response?.ts);
    expect(h.slack.ok('chat.update')[0]!.body.blocks).toEqual(stop.body.blocks);
    expect(h.slack.ok('chat.postMessage')).toHaveLength(0);

    const investigations = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(investigations).toHaveLength(1);
    expect(investigations[0]).toMatchObject({ status: 'succeeded', question: QUESTION });
    const id = investigations[0]!.id;

    // Show SQL: an ephemeral message in the thread with the evidence SQL
    const showSql = (stop.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'sleuth_show_sql')!;
    expect(showSql.value).toBe(id);
    const clicked = await h.send.interaction({
      type: 'block_actions',
      user: { id: h.user },
      team: { id: 'T0TEST001' },
      channel: { id: h.channel },
      container: { type: 'message', message_ts: stop.body.ts, channel_id: h.channel, thread_ts: ts },
      message: { ts: stop.body.ts, thread_ts: ts },
      trigger_id: '1.2.3',
      actions: [{ action_id: 'sleuth_show_sql', block_id: 'sleuth_answer', value: id, type: 'button' }],
    });
    expect(clicked.status).toBe(200);
    await h.slack.waitFor(() => h.slack.ok('chat.postEphemeral').length === 1);
    const ephemeral = h.slack.ok('chat.postEphemeral')[0]!;
    expect(ephemeral.body).toMatchObject({ channel: h.channel, user: h.user, thread_ts: ts });
    expect(blocksText(ephemeral)).toContain('WHERE signup_date &gt;= ');
    expect(blocksText(ephemeral)).toContain('GROUP BY acquisition_channel');
    expectAllWithinLimits(h);
  });

  it('a follow-up in the thread continues the same session', async () => {
    const finish = (answer: string): ScriptTurn => ({
      tool_calls: [{ name: 'finish', input: { answer, evidence: [], caveats: [], follow_ups: [] } }],
    });
    const h = await open({ turns: [finish('First answer.'), finish('Second answer.')] });
    const first = await h.mention('How many customers are there?');
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    await h.mention('And last month?', { threadTs: first.ts });
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 2);
    await h.app.idle();

    const starts = h.slack.ok('chat.startStream');
    expect(starts.map((s) => s.body.thread_ts)).toEqual([first.ts, first.ts]);
    const investigations = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(investigations).toHaveLength(2);
    expect(investigations[0]!.sessionId).toBeTruthy();
    expect(investigations[0]!.sessionId).toBe(investigations[1]!.sessionId);
    expect(blocksText(h.slack.ok('chat.stopStream')[1])).toContain('Second answer.');
  });

  it('falls back to one message updated with chat.update when streaming is refused, and remembers it', async () => {
    const h = await open({ turns: [...SIGNUPS, ...SIGNUPS] });
    h.slack.refuse(STREAM_METHODS, 'unknown_method');
    const { ts } = await h.mention(QUESTION);
    await h.slack.waitFor(() => h.app.runner.active() === 0 && h.slack.ok('chat.update').length > 0);
    await h.app.idle();

    expect(h.slack.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1); // tried once, refused
    const posts = h.slack.ok('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({
      channel: h.channel,
      thread_ts: ts,
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(blocksText(posts[0])).toContain('sleuth_cancel');
    const updates = h.slack.ok('chat.update');
    // every update edits the one reply that was posted
    expect(updates.map((u) => u.body.ts)).toEqual(updates.map(() => posts[0]!.response?.ts));
    const final = blocksText(updates.at(-1));
    expect(final).toContain(ANSWER);
    expect(final).toContain('sleuth_show_sql');
    expect(final).not.toContain('sleuth_cancel');

    // the next investigation goes straight to chat.update
    await h.mention(QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 2);
    await h.app.idle();
    expect(h.slack.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1);
    expectAllWithinLimits(h);
  });
  it('finishes in a new message when the stream breaks off midway', async () => {
    const h = await open({ turns: [...SIGNUPS, ...SIGNUPS] });
    h.slack.refuse(['chat.stopStream'], 'not_allowed');
    const { ts } = await h.mention(QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 1);
    await h.app.idle();
    expect(h.slack.ok('chat.startStream')).toHaveLength(1);
    const post = h.slack.ok('chat.postMessage')[0]!;
    expect(post.body.thread_ts).toBe(ts);
    expect(blocksText(post)).toContain(ANSWER);
    expect(blocksText(post)).toContain('sleuth_show_sql');
    // the workspace is remembered as not streaming
    await h.mention(QUESTION, { threadTs: ts });
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 2);
    await h.app.idle();
    expect(h.slack.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1);
    expect(blocksText(h.slack.ok('chat.update').at(-1))).toContain(ANSWER);
  });
});

describe('rate of updates', () => {
  it('coalesces chat.update to about one per second per message', async () => {
    const h = await open({ turns: slow(SIGNUPS, 450), streaming: 'off' });
    const started = Date.now();
    await h.mention(QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 1);
    await h.app.idle();
    const elapsed = Date.now() - started;

    const id = (await (await h.context.memory()).listInvestigations({ userId: h.user }))[0]!.id;
    const events = await (await h.context.memory()).listEvents(id);
    const updates = h.slack.calls.filter((c) => c.method === 'chat.update');
    expect(events.length).toBeGreaterThan(15);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    // far fewer writes than events, never two within the interval, never more than the elapsed seconds allow
    expect(updates.length).toBeLessThan(events.length / 2);
    expect(Math.min(...gaps([h.slack.ok('chat.postMessage')[0]!, ...updates]))).toBeGreaterThanOrEqual(950);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    expect(blocksText(updates.at(-1))).toContain(ANSWER);
  });

  it('coalesces streaming appends the same way', async () => {
    const h = await open({ turns: slow(SIGNUPS, 450) });
    await h.mention(QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    const stream = h.slack.calls.filter((c) => STREAM_METHODS.includes(c.method));
    expect(stream.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...gaps(stream))).toBeGreaterThanOrEqual(950);
  });

  it('waits Retry-After when Slack answers 429, then delivers the latest state', async () => {
    const h = await open({ turns: slow(SIGNUPS, 300), streaming: 'off' });
    h.slack.rateLimit('chat.update', { times: 1, retryAfterSeconds: 2 });
    await h.mention(QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 1);
    await h.app.idle();
    const updates = h.slack.calls.filter((c) => c.method === 'chat.update');
    const limited = updates.findIndex((c) => c.outcome === 'rate_limited');
    expect(limited).toBe(0);
    const next = updates[limited + 1]!;
    expect(next.outcome).toBe('ok');
    expect(next.at - updates[limited]!.at).toBeGreaterThanOrEqual(1950);
    expect(blocksText(h.slack.ok('chat.update').at(-1))).toContain(ANSWER);
  });
});

describe('delivery', () => {
  it('never investigates a retried or repeated event twice', async () => {
    const h = await open({ turns: [...SIGNUPS, ...SIGNUPS] });
    const first = await h.mention(QUESTION, { eventId: 'Ev0RETRY001' });
    // Slack re-sends the same event with X-Slack-Retry-Num, and once more without the header
    const retry = await h.mention(QUESTION, { ts: first.ts, eventId: 'Ev0RETRY001', retryNum: 1 });
    const repeat = await h.mention(QUESTION, { ts: first.ts, eventId: 'Ev0RETRY001' });
    expect([first.status, retry.status, repeat.status]).toEqual([200, 200, 200]);
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1);
    expect(await (await h.context.memory()).listInvestigations({ userId: h.user })).toHaveLength(1);
    expect(h.model.requests).toHaveLength(SIGNUPS.length);
  });

  it('refuses a request with a bad signature, and one with a stale timestamp', async () => {
    const h = await open({ turns: SIGNUPS });
    const event = { type: 'app_mention', user: h.user, text: 'hi', ts: '1700000000.000001', channel: h.channel };
    const forged = await h.send.event(event, { signWith: 'not-the-secret' });
    const stale = await h.send.event(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.app.runner.active()).toBe(0);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });
});

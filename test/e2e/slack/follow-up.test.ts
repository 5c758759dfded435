/**
 * Follow-ups without a new mention, through the real Bolt app with signed event requests: a plain reply in a channel
 * thread Sleuth started is investigated in that thread's session; replies in other threads, top-level messages, bot
 * messages and replies that mention Sleuth (answered once, via app_mention) are not investigated again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { PEER_BOT_USER } from '../../peers/slack-web-api.js';
import { type Harness, nextTs, startHarness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const finish = (answer: string): ScriptTurn => ({
  tool_calls: [{ name: 'finish', input: { answer, evidence: [], caveats: [], follow_ups: [] } }],
});

function reply(h: Harness, text: string, threadTs: string | undefined, extra: Record<string, unknown> = {}) {
  const ts = nextTs();
  return h.send.event({
    type: 'message',
    channel_type: 'channel',
    channel: h.channel,
    user: h.user,
    text,
    ts,
    event_ts: ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...extra,
  });
}

describe('thread follow-ups without a new mention', () => {
  it("investigates a plain reply in Sleuth's thread, in the same session, and ignores everything else", async () => {
    const h = await startHarness({ turns: [finish('There are 5173 customers.'), finish('412 of them churned.')] });
    harness = h;
    const { ts: threadTs } = await h.mention('How many customers are there?');
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();

    // not ours: a reply in another thread, a top-level message, a bot's reply, an edit
    expect((await reply(h, 'unrelated chatter', nextTs())).status).toBe(200);
    await reply(h, 'top-level message', undefined);
    await reply(h, 'a bot talking', threadTs, { bot_id: 'B0OTHER01' });
    await reply(h, 'edited', threadTs, { subtype: 'message_changed' });
    await h.app.idle();
    expect(h.app.runner.active()).toBe(0);
    expect(h.slack.ok('chat.startStream')).toHaveLength(1);

    // ours: a plain follow-up in the thread Sleuth answered in
    expect((await reply(h, 'And how many churned?', threadTs)).status).toBe(200);
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 2);
    await h.app.idle();
    const second = h.slack.ok('chat.startStream')[1]!;
    expect(second.body).toMatchObject({ channel: h.channel, thread_ts: threadTs });
    expect(JSON.stringify(h.slack.ok('chat.stopStream')[1]!.body.blocks)).toContain('412 of them churned.');
    const memory = await h.context.memory();
    const investigations = await memory.listInvestigations({ userId: h.user });
    expect(investigations.map((i) => i.question).sort()).toEqual(
      ['And how many churned?', 'How many customers are there?'].sort(),
    );
    expect(new Set(investigations.map((i) => i.sessionId)).size).toBe(1); // one thread, one session

    // a reply that mentions Sleuth is the app_mention's to answer: the message event does not start a second run
    await reply(h, `<@${PEER_BOT_USER}> again?`, threadTs);
    await h.app.idle();
    expect(h.slack.ok('chat.startStream')).toHaveLength(2);
  }, 60_000);
});

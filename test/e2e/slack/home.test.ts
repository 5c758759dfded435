/** App Home (views.publish on app_home_opened) and the assistant panel's suggested prompts. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { viewProblems } from '../../../src/slack/index.js';
import { fakeKnowledge } from './fake-knowledge.js';
import { type Harness, type HarnessOptions, nextTs, startHarness } from './harness.js';

let harness: Harness | undefined;
async function open(options: HarnessOptions): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const finish = (answer: string): ScriptTurn => ({
  tool_calls: [{ name: 'finish', input: { answer, evidence: [], caveats: [], follow_ups: [] } }],
});

describe('App Home', () => {
  it("publishes the user's recent investigations, the connections and how to ask", async () => {
    const h = await open({
      turns: [finish('There are 5173 customers.')],
      knowledge: fakeKnowledge(),
    });
    const { ts: threadTs } = await h.mention('How many customers are there <!here>?');
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();

    const sent = await h.send.event({
      type: 'app_home_opened',
      user: h.user,
      channel: 'D0HOME001',
      tab: 'home',
      event_ts: nextTs(),
    });
    expect(sent.status).toBe(200);
    await h.slack.waitFor(() => h.slack.ok('views.publish').length === 1);
    const publish = h.slack.ok('views.publish')[0]!.body;
    expect(publish.user_id).toBe(h.user);
    expect(publish.view.type).toBe('home');
    expect(viewProblems(publish.view)).toEqual([]);
    const text = JSON.stringify(publish.view.blocks);
    expect(text).toContain('How many customers are there ?'); // the question, Slack markup dropped
    expect(text).toContain(':white_check_mark:');
    expect(text).toContain('*demo* (sqlite)');
    // a short id, and a link back to the thread it ran in
    const [investigation] = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(text).toContain(`id ${investigation!.id.slice(0, 8)}`);
    expect(text).not.toContain(investigation!.id);
    expect(h.slack.ok('chat.getPermalink')[0]!.body).toMatchObject({ channel: h.channel, message_ts: threadTs });
    expect(text).toContain(
      `<https://sleuth-test.slack.com/archives/${h.channel}/p${threadTs.replace('.', '')}|open the thread>`,
    );
    expect(text).not.toContain('sqlite:'); // never a connection URL
    expect(text).toContain('/sleuth-faq');
    expect(text).toContain('How many signups last month by channel?');

    // the messages tab is not the home tab
    await h.send.event({
      type: 'app_home_opened',
      user: h.user,
      channel: 'D0HOME001',
      tab: 'messages',
      event_ts: nextTs(),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.ok('views.publish')).toHaveLength(1);
  });
});

describe('assistant panel', () => {
  it('offers suggested prompts from the knowledge base when a thread starts', async () => {
    const h = await open({ turns: [], knowledge: fakeKnowledge() });
    const threadTs = nextTs();
    await h.send.event({
      type: 'assistant_thread_started',
      assistant_thread: { user_id: h.user, channel_id: 'D0ASSIST01', thread_ts: threadTs, context: {} },
      event_ts: nextTs(),
    });
    await h.slack.waitFor(() => h.slack.ok('assistant.threads.setSuggestedPrompts').length === 1);
    const call = h.slack.ok('assistant.threads.setSuggestedPrompts')[0]!.body;
    expect(call).toMatchObject({ channel_id: 'D0ASSIST01', thread_ts: threadTs });
    expect(call.prompts.map((p: { message: string }) => p.message)).toEqual([
      'How many signups last month by channel?',
      'What was revenue last month?',
      'Which products lose money?',
    ]);
  });

  it('answers a message in the assistant thread (a DM) as a threaded investigation', async () => {
    const h = await open({ turns: [finish('Forty-two customers.')] });
    const threadTs = nextTs();
    await h.send.event({
      type: 'message',
      channel_type: 'im',
      user: h.user,
      text: 'How many customers churned?',
      ts: nextTs(),
      thread_ts: threadTs,
      channel: 'D0ASSIST02',
      event_ts: nextTs(),
    });
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    expect(h.slack.ok('chat.startStream')[0]!.body).toMatchObject({ channel: 'D0ASSIST02', thread_ts: threadTs });
    expect(h.slack.ok('assistant.threads.setStatus')[0]!.body).toMatchObject({
      channel_id: 'D0ASSIST02',
      thread_ts: threadTs,
    });
    expect(JSON.stringify(h.slack.ok('chat.stopStream')[0]!.body.blocks)).toContain('Forty-two customers.');
    // the bot's own messages and edits are not questions
    await h.send.event({
      type: 'message',
      channel_type: 'im',
      subtype: 'message_changed',
      channel: 'D0ASSIST02',
      ts: nextTs(),
      event_ts: nextTs(),
    });
    await h.send.event({
      type: 'message',
      channel_type: 'im',
      bot_id: 'B0OTHER',
      user: h.user,
      text: 'echo',
      channel: 'D0ASSIST02',
      ts: nextTs(),
      event_ts: nextTs(),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.app.runner.active()).toBe(0);
    expect(h.slack.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1);
  });
});

/**
 * Slash commands (form-encoded) and buttons (block_actions, form-encoded `payload=`) against the real Bolt app:
 * /sleuth help, /sleuth-faq (FAQ tier only, ephemeral, shareable), /sleuth <question>, Re-run, Cancel, feedback with
 * a note, and "Helpful" proposing a verified query to the knowledge base.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScript, type ScriptTurn } from '../../../src/agent/index.js';
import { messageProblems, viewProblems } from '../../../src/slack/index.js';
import { fakeKnowledge } from './fake-knowledge.js';
import { buttonValue, type Harness, type HarnessOptions, postedPayloads, startHarness } from './harness.js';

const SIGNUPS = loadScript(join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml'));
const QUESTION = 'How many customers signed up last month, and which channel drove it?';

let harness: Harness | undefined;
async function open(options: HarnessOptions): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}
afterEach(async () => {
  if (harness) {
    for (const payload of postedPayloads(harness.slack)) expect(messageProblems(payload)).toEqual([]);
    for (const call of harness.slack.calls.filter((c) => c.body.view)) expect(viewProblems(call.body.view)).toEqual([]);
  }
  await harness?.close();
  harness = undefined;
});

const responses = (h: Harness, id: string) =>
  h.slack.calls.filter((c) => c.method === 'response_url' && c.body.id === id);

describe('/sleuth-faq', () => {
  it('answers from the FAQ tier only, just for the asker, and can share it in the channel', async () => {
    const knowledge = fakeKnowledge();
    const h = await open({ turns: [], knowledge });
    const sent = await h.command('/sleuth-faq', 'How many signups last month?', 'faq-1');
    expect(sent.status).toBe(200);
    await h.slack.waitFor(() => responses(h, 'faq-1').length === 1);
    const reply = responses(h, 'faq-1')[0]!.body;
    expect(reply.response_type).toBe('ephemeral');
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('signups_by_channel');
    expect(text).toContain('organic');
    expect(text).toContain('verified 2026-10-01');
    expect(knowledge.questions).toEqual(['How many signups last month?']);
    expect(h.model.requests).toHaveLength(0); // never the agent

    await h.click('sleuth_faq_share', buttonValue(reply.blocks, 'sleuth_faq_share')!, {
      ephemeral: true,
      responseId: 'share',
    });
    await h.slack.waitFor(() => responses(h, 'share').length === 2);
    const [shared, removed] = responses(h, 'share').map((c) => c.body);
    expect(shared).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(JSON.stringify(shared!.blocks)).toContain('organic');
    expect(JSON.stringify(shared!.blocks)).not.toContain('sleuth_faq_share');
    expect(removed).toMatchObject({ delete_original: true });
  });

  it('asks back for a missing parameter and answers once it is chosen', async () => {
    const knowledge = fakeKnowledge();
    const h = await open({ turns: [], knowledge });
    await h.command('/sleuth-faq', 'revenue', 'faq-2');
    await h.slack.waitFor(() => responses(h, 'faq-2').length === 1);
    const ask = responses(h, 'faq-2')[0]!.body;
    expect(JSON.stringify(ask.blocks)).toContain('Which period do you mean?');
    const option = buttonValue(ask.blocks, 'sleuth_faq_option')!;
    await h.click('sleuth_faq_option', option, { ephemeral: true, responseId: 'option' });
    await h.slack.waitFor(() => responses(h, 'option').length === 1);
    expect(responses(h, 'option')[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(knowledge.questions).toEqual(['revenue', 'revenue (last month)']);
    expect(JSON.stringify(responses(h, 'option')[0]!.body.blocks)).toContain('signups_by_channel');
  });

  it('offers an investigation on a miss, and explains when there is no knowledge base', async () => {
    const finish: ScriptTurn = {
      tool_calls: [{ name: 'finish', input: { answer: 'Forty-two.', evidence: [], caveats: [], follow_ups: [] } }],
    };
    const h = await open({ turns: [finish], knowledge: fakeKnowledge() });
    await h.command('/sleuth-faq', 'what is the meaning of life', 'faq-3');
    await h.slack.waitFor(() => responses(h, 'faq-3').length === 1);
    const miss = responses(h, 'faq-3')[0]!.body;
    expect(JSON.stringify(miss.blocks)).toContain('No verified answer');
    await h.click('sleuth_faq_investigate', buttonValue(miss.blocks, 'sleuth_faq_investigate')!, {
      ephemeral: true,
      responseId: 'investigate',
    });
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    const root = h.slack.ok('chat.postMessage')[0]!;
    expect(root.body.channel).toBe(h.channel);
    expect(root.body.text).toContain(`<@${h.user}> asked: what is the meaning of life`);
    expect(h.slack.ok('chat.startStream')[0]!.body.thread_ts).toBe(root.response?.ts);
    expect(JSON.stringify(h.slack.ok('chat.stopStream')[0]!.body.blocks)).toContain('Forty-two.');
  });

  it('says the knowledge base is not set up when there is none', async () => {
    const h = await open({ turns: [] });
    await h.command('/sleuth-faq', 'How many signups last month?', 'faq-4');
    await h.slack.waitFor(() => responses(h, 'faq-4').length === 1);
    expect(JSON.stringify(responses(h, 'faq-4')[0]!.body.blocks)).toContain('knowledge base is not set up');
  });
});

describe('/sleuth', () => {
  it('answers help in the command response', async () => {
    const h = await open({ turns: [] });
    const sent = await h.command('/sleuth', 'help');
    expect(sent.status).toBe(200);
    const body = JSON.parse(sent.text);
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body.blocks)).toContain('/sleuth-faq');
    expect(messageProblems(body)).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  it('tells the asker to invite the bot when it cannot post in the channel', async () => {
    const h = await open({ turns: [] });
    h.slack.refuse(['chat.postMessage'], 'not_in_channel');
    await h.command('/sleuth', QUESTION, 'not-in');
    await h.slack.waitFor(() => responses(h, 'not-in').length === 1);
    expect(JSON.stringify(responses(h, 'not-in')[0]!.body.blocks)).toContain('/invite @Sleuth');
    expect(h.app.runner.active()).toBe(0);
  });

  it('investigates in a thread; Re-run, Helpful -> proposal, and Not helpful -> note work from its buttons', async () => {
    const knowledge = fakeKnowledge();
    const h = await open({ turns: [...SIGNUPS, ...SIGNUPS], knowledge });
    await h.command('/sleuth', QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1);
    await h.app.idle();
    const rootTs = h.slack.ok('chat.postMessage')[0]!.response!.ts as string;
    const stop = h.slack.ok('chat.stopStream')[0]!;
    const memory = await h.context.memory();
    const [first] = await memory.listInvestigations({ userId: h.user });
    expect(buttonValue(stop.body.blocks, 'sleuth_rerun')).toBe(first!.id);

    // Re-run: same question, same thread, same session
    await h.click('sleuth_rerun', first!.id, { messageTs: stop.body.ts, threadTs: rootTs });
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 2);
    await h.app.idle();
    const runs = await memory.listInvestigations({ userId: h.user });
    expect(runs).toHaveLength(2);
    expect(runs[0]!.question).toBe(QUESTION);
    expect(runs[0]!.sessionId).toBe(runs[1]!.sessionId);
    expect(h.slack.ok('chat.startStream').map((c) => c.body.thread_ts)).toEqual([rootTs, rootTs]);

    // Helpful: recorded, then an offer to propose the SQL as a verified query
    await h.click('sleuth_helpful', first!.id, { messageTs: stop.body.ts, threadTs: rootTs });
    await h.slack.waitFor(() => h.slack.ok('chat.postEphemeral').length === 1);
    const offer = h.slack.ok('chat.postEphemeral')[0]!;
    expect(offer.body).toMatchObject({ user: h.user, channel: h.channel, thread_ts: rootTs });
    const proposeId = buttonValue(offer.body.blocks, 'sleuth_propose_verified')!;
    await h.click('sleuth_propose_verified', proposeId, { ephemeral: true, responseId: 'propose' });
    await h.slack.waitFor(() => responses(h, 'propose').length === 1);
    expect(knowledge.proposals).toEqual([
      expect.objectContaining({
        question: QUESTION,
        connection: 'demo',
        investigationId: first!.id,
        proposedBy: h.user,
        sql: expect.stringContaining('GROUP BY acquisition_channel'),
      }),
    ]);
    expect(JSON.stringify(responses(h, 'propose')[0]!.body.blocks)).toContain('proposal-1');

    // Not helpful: recorded, a modal for an optional note, the note recorded on submit
    await h.click('sleuth_not_helpful', first!.id, { messageTs: stop.body.ts, threadTs: rootTs });
    await h.slack.waitFor(() => h.slack.ok('views.open').length === 1);
    const modal = h.slack.ok('views.open')[0]!.body.view;
    expect(modal).toMatchObject({ type: 'modal', callback_id: 'sleuth_feedback_note', private_metadata: first!.id });
    const submitted = await h.send.interaction({
      type: 'view_submission',
      user: { id: h.user },
      team: { id: 'T0TEST001' },
      api_app_id: 'A0SLEUTH',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: 'sleuth_feedback_note',
        private_metadata: first!.id,
        state: {
          values: { note: { note: { type: 'plain_text_input', value: 'It should count paid signups only.' } } },
        },
      },
    });
    expect(submitted.status).toBe(200);
    const auditOf = async () => (await memory.listAudit({ limit: 200 })).filter((a) => a.investigationId === first!.id);
    for (let i = 0; i < 100 && !(await auditOf()).some((a) => a.action === 'feedback_note'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const audit = await auditOf();
    expect(audit.map((a) => [a.action, a.detail])).toEqual(
      expect.arrayContaining([
        ['feedback', { helpful: true }],
        ['feedback', { helpful: false }],
        ['feedback_note', { note: 'It should count paid signups only.' }],
      ]),
    );
    expect(audit.find((a) => a.action === 'feedback')?.actor).toBe(h.user);
  });

  it('cancels a running investigation from its Cancel button', async () => {
    const turns = SIGNUPS.map((t, i) => (i === 1 ? { ...t, delay_ms: 8_000 } : t));
    const h = await open({ turns, streaming: 'off' });
    await h.command('/sleuth', QUESTION);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 2);
    const reply = h.slack.ok('chat.postMessage')[1]!;
    const runId = buttonValue(reply.body.blocks, 'sleuth_cancel')!;
    expect(runId).toBeTruthy();
    const started = Date.now();
    await h.click('sleuth_cancel', runId, { messageTs: reply.response!.ts as string, threadTs: reply.body.thread_ts });
    await h.app.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    const final = JSON.stringify(h.slack.ok('chat.update').at(-1)?.body.blocks);
    expect(final).toContain('Cancelled.');
    expect(final).toContain('sleuth_rerun');
    const [record] = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(record?.status).toBe('cancelled');

    // a second click finds nothing running and says so, only to the clicker
    await h.click('sleuth_cancel', runId, { messageTs: reply.response!.ts as string, threadTs: reply.body.thread_ts });
    await h.slack.waitFor(() => h.slack.ok('chat.postEphemeral').length === 1);
    expect(JSON.stringify(h.slack.ok('chat.postEphemeral')[0]!.body.blocks)).toContain('no longer running');
  });
});

/**
 * A user over a limit gets a short, readable reply in the thread saying which limit and when to retry (not an
 * investigation failure), and the refusal is in the audit log with the Slack workspace and channel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PEER_TEAM } from '../../peers/slack-web-api.js';
import { type Harness, startHarness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('limits in Slack', () => {
  it('answers a mention over the hourly question limit with which limit and when to retry', async () => {
    const h = await startHarness({
      turns: [{ tool_calls: [{ name: 'finish', input: { answer: 'There are 5,000 customers.', evidence: [] } }] }],
      streaming: 'off',
      env: { SLEUTH_LIMIT_USER_PER_HOUR: '1' },
    });
    harness = h;
    await h.mention('How many customers do we have?');
    await h.app.idle();
    const second = await h.mention('And how many orders?');
    await h.app.idle();

    const replies = h.slack.calls.filter((c) => JSON.stringify(c.body.blocks ?? '').includes('Not right now'));
    expect(replies.length).toBeGreaterThan(0);
    const reply = replies.at(-1)!;
    expect(reply.body.text).toBe('Rate limit: you may ask 1 question per hour. Try again in 1 h.');
    const blocks = JSON.stringify(reply.body.blocks);
    expect(blocks).toContain(':hourglass_flowing_sand: *Not right now.*');
    expect(blocks).toContain('Rate limit: you may ask 1 question per hour. Try again in 1 h.');
    expect(blocks).not.toContain("couldn't finish");
    // the reply is in the second question's thread
    const posted = h.slack.ok('chat.postMessage').filter((c) => c.body.thread_ts === second.ts);
    expect(posted.length).toBeGreaterThan(0);
    // only the first question reached the model
    expect(h.model.requests).toHaveLength(1);

    const audit = await h.context.audit.list({ actor: h.user });
    expect(audit[0]).toMatchObject({
      action: 'ask',
      verdict: 'refused',
      code: 'RATE_LIMITED',
      actorKind: 'slack',
      workspace: PEER_TEAM,
      channel: h.channel,
      detail: { question: 'And how many orders?' },
    });
  }, 60_000);
});

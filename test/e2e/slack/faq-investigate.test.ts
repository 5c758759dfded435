/**
 * "Not what I asked - investigate" through the real Bolt app: a mention answered instantly by a verified query (the
 * context's real knowledge base over the demo database) shows its reading first and the button; clicking it sends
 * the same question to the agent in the same thread, bypassing the FAQ tier.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { messageProblems } from '../../../src/slack/index.js';
import { buttonValue, type Harness, postedPayloads, startHarness } from './harness.js';

const repoKnowledge = join(import.meta.dirname, '..', '..', '..', 'knowledge');
const FINISH: ScriptTurn = {
  tool_calls: [
    { name: 'finish', input: { answer: 'Investigated by the agent.', evidence: [], caveats: [], follow_ups: [] } },
  ],
};

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) for (const payload of postedPayloads(harness.slack)) expect(messageProblems(payload)).toEqual([]);
  await harness?.close();
  harness = undefined;
});

describe('an instant answer in a thread', () => {
  it('reads the question first, and "Not what I asked - investigate" asks the agent instead', async () => {
    const knowledge = mkdtempSync(join(tmpdir(), 'sleuth-faq-knowledge-'));
    cpSync(repoKnowledge, knowledge, { recursive: true });
    const h = await startHarness({ turns: [FINISH], env: { SLEUTH_KNOWLEDGE_DIR: knowledge } });
    harness = h;
    const { ts } = await h.mention('<@UBOT> hey, whats rev last month?');
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 1, 60_000);
    await h.app.idle();
    expect(h.model.requests).toHaveLength(0); // answered instantly, no model

    const final = h.slack.ok('chat.stopStream')[0]!;
    const text = JSON.stringify(final.body.blocks);
    expect(text).toContain('Revenue (completed orders, after discounts), Oct 1-31 2026');
    expect(text.indexOf('Oct 1-31 2026')).toBeLessThan(text.indexOf('revenue_total'));
    expect(text).toMatch(/Revenue, Oct 1-31 2026: \$[\d,]+; completed orders [\d,]+\./);
    const value = buttonValue(final.body.blocks, 'sleuth_faq_not_what_i_asked');
    expect(value).toBeDefined();

    await h.click('sleuth_faq_not_what_i_asked', value!, { messageTs: String(final.response?.ts ?? ts), threadTs: ts });
    await h.slack.waitFor(() => h.slack.ok('chat.stopStream').length === 2, 60_000);
    await h.app.idle();
    expect(h.model.requests.length).toBeGreaterThan(0); // the agent ran
    const second = h.slack.ok('chat.stopStream')[1]!;
    expect(String(second.body.thread_ts ?? h.slack.ok('chat.startStream')[1]?.body.thread_ts)).toBe(ts);
    expect(JSON.stringify(second.body.blocks)).toContain('Investigated by the agent.');
    expect(JSON.stringify(second.body.blocks)).not.toContain('sleuth_faq_not_what_i_asked');
  }, 120_000);
});

/**
 * Permissions through the real Slack path: signed requests to the real Bolt app, user groups read from the Slack
 * Web API recorder (usergroups.list), the real composition root and policy on the SQLite policy fixture. A user in an
 * allowed channel but not in an allowed group gets a short refusal in the thread and nothing runs; a user in both
 * gets an investigation in which hidden tables and denied values never reach the model or Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptTurn } from '../../../src/agent/index.js';
import { MASKED_VALUE } from '../../../src/policy/index.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_EMAIL, SECRET_SALARY } from '../../helpers/policy-fixture.js';
import { type Harness, startHarness, visibleText } from './harness.js';

const ANALYSTS = 'S0ANALYSTS';

const PHONES = 'SELECT id, name, phone FROM customers ORDER BY id';
/** 12 rows: more than a Slack message shows, so the CSV comes from a re-run of the statement. */
const MANY_PHONES = 'SELECT c.id, c.name, c.phone FROM customers c CROSS JOIN orders o ORDER BY c.id, o.id';

const turns = (maskedSql: string): ScriptTurn[] => [
  { tool_calls: [{ id: 'toolu_list', name: 'list_tables', input: {} }] },
  {
    tool_calls: [
      { id: 'toolu_hidden', name: 'run_sql', input: { sql: 'SELECT employee, amount FROM salaries' } },
      { id: 'toolu_masked', name: 'run_sql', input: { sql: maskedSql, purpose: 'customer phones' } },
    ],
  },
  {
    tool_calls: [
      {
        name: 'finish',
        input: {
          answer: 'I can list customers, but their phone numbers are masked and salaries are not available.',
          evidence: [{ claim: 'customers and their (masked) phones', sql: maskedSql }],
          chart: 'none',
        },
      },
    ],
  },
];

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function open(inGroup: boolean, sql = PHONES, contextKnowledge = false): Promise<Harness> {
  const url = await ensurePolicyFixture('sqlite', 'sleuth_test_policy_slack');
  harness = await startHarness({
    turns: turns(sql),
    contextKnowledge,
    streaming: 'off',
    env: { SLEUTH_DB_DEMO_URL: url },
    policy: ({ channel }) => ({
      access: [{ name: 'analysts', connections: ['demo'], channels: [channel], groups: [ANALYSTS] }],
      connections: { demo: FIXTURE_DATA_RULES },
    }),
    usergroups: ({ user }) => [
      { id: ANALYSTS, handle: 'analysts', users: inGroup ? ['U0SOMEONE', user] : ['U0SOMEONE'] },
      { id: 'S0SALES', handle: 'sales', users: [user] },
    ],
  });
  return harness;
}

describe('permissions in Slack', () => {
  it('refuses a user in an allowed channel who is not in an allowed group, with a short reply in the thread', async () => {
    const h = await open(false);
    const { ts, status } = await h.mention('What is the highest salary we pay?');
    expect(status).toBe(200);
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 1);
    await h.app.idle();

    const reply = h.slack.ok('chat.postMessage')[0]!;
    expect(reply.body).toMatchObject({ channel: h.channel, thread_ts: ts });
    expect(String(reply.body.text)).toMatch(/:lock: You may not use the "demo" data here: you are not in a user group/);
    expect(String(reply.body.text).length).toBeLessThan(300);
    // the groups came from the Web API; nothing else happened
    expect(h.slack.ok('usergroups.list')).toHaveLength(1);
    expect(h.slack.ok('usergroups.list')[0]?.body.include_users).toBe('true');
    expect(h.model.requests).toHaveLength(0);
    expect(h.slack.calls.filter((c) => ['chat.update', 'chat.startStream'].includes(c.method))).toHaveLength(0);
    expect(await (await h.context.memory()).listInvestigations({ userId: h.user })).toHaveLength(0);

    // a second question reuses the cached groups
    await h.mention('And the lowest?');
    await h.slack.waitFor(() => h.slack.ok('chat.postMessage').length === 2);
    await h.app.idle();
    expect(h.slack.ok('usergroups.list')).toHaveLength(1);
  });

  it('refuses /sleuth-faq for the same user with a short ephemeral note', async () => {
    const h = await open(false, PHONES, true);
    const answer = await h.command('/sleuth-faq', 'how many customers?', 'faq-refused');
    expect(answer.status).toBe(200);
    await h.slack.waitFor(() => h.slack.calls.some((c) => c.method === 'response_url'));
    const note = h.slack.calls.find((c) => c.method === 'response_url')!;
    expect(JSON.stringify(note.body)).toMatch(/:lock: You may not use the \\"demo\\" data here/);
    expect(h.model.requests).toHaveLength(0);
  });

  it('investigates for a user in the group and the channel, showing neither hidden tables nor denied values', async () => {
    const h = await open(true);
    await h.mention('Which customers do we have, and what do we pay in salaries?');
    await h.slack.waitFor(() => h.model.requests.length === 3);
    await h.app.idle();

    const investigations = await (await h.context.memory()).listInvestigations({ userId: h.user });
    expect(investigations).toHaveLength(1);
    expect(investigations[0]?.status).toBe('succeeded');
    // the model: no hidden table in list_tables, the refusal as a tool error, masked values only
    const sent = JSON.stringify(h.model.requests.map((r) => r.body));
    const listed = JSON.stringify(h.model.requests[1]?.body.messages.at(-1));
    expect(listed).toContain('customers');
    expect(listed).not.toMatch(/salaries|payroll|gmail_customers/);
    expect(sent.replace(/<\\?\/?data[^>]*>(\\n)?/g, '')).toContain(
      'PERMISSION_DENIED: Refused by the access policy: salaries is not available',
    );
    expect(sent).toContain(MASKED_VALUE);
    for (const secret of [SECRET_EMAIL, SECRET_SALARY, '+49 30']) expect(sent).not.toContain(secret);
    // Slack: the answer with the masked table, no secret anywhere a user could see
    const seen = visibleText(h.slack);
    expect(seen).toContain('phone numbers are masked');
    expect(seen).toContain(MASKED_VALUE);
    for (const secret of [SECRET_EMAIL, SECRET_SALARY, '+49 30']) expect(seen).not.toContain(secret);
  });

  it('re-runs evidence for CSV files under the asker policy, so masked values stay masked', async () => {
    const h = await open(true, MANY_PHONES);
    await h.mention('List our customers with their phone numbers');
    await h.slack.waitFor(() => h.model.requests.length === 3);
    await h.app.idle();
    await h.slack.waitFor(() => h.slack.uploads.length >= 1);
    const csv = h.slack.uploads.map((u) => u.bytes.toString('utf8')).join('\n');
    expect(csv).toContain('Alice');
    expect(csv).toContain(MASKED_VALUE);
    expect(csv).not.toContain('+49 30');
  });
});

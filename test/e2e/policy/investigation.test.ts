/**
 * An investigation under the access policy, end to end through SleuthContext.ask: the real loop, guard, executor and
 * policy on the real fixture databases, the real Anthropic SDK against the local Messages API peer playing a model
 * that goes looking for salaries. What the model was sent is checked: the hidden tables are not in the system
 * prompt's overview nor in list_tables, describe_table says they do not exist, run_sql on them comes back as a
 * PERMISSION_DENIED tool error it can react to, and denied or masked values never reach it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { InvestigationEvent, ScriptTurn } from '../../../src/agent/index.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { MASKED_VALUE } from '../../../src/policy/index.js';
import { DIALECTS, ensureDatabase } from '../../helpers/databases.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_EMAIL, SECRET_SALARY } from '../../helpers/policy-fixture.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';

const HIDDEN = ['salaries', 'payroll', 'gmail_customers'];

const TURNS: ScriptTurn[] = [
  { tool_calls: [{ id: 'toolu_list', name: 'list_tables', input: {} }] },
  {
    tool_calls: [
      { id: 'toolu_describe_hidden', name: 'describe_table', input: { table: 'salaries' } },
      { id: 'toolu_describe_customers', name: 'describe_table', input: { table: 'customers' } },
    ],
  },
  {
    tool_calls: [
      { id: 'toolu_sql_hidden', name: 'run_sql', input: { sql: 'SELECT employee, amount FROM salaries' } },
      { id: 'toolu_sql_view', name: 'run_sql', input: { sql: 'SELECT * FROM payroll' } },
      { id: 'toolu_sql_masked', name: 'run_sql', input: { sql: 'SELECT id, name, phone FROM customers ORDER BY id' } },
      { id: 'toolu_sample', name: 'sample_rows', input: { table: 'customers', limit: 5 } },
    ],
  },
  {
    tool_calls: [
      {
        name: 'finish',
        input: {
          answer: 'Salary data is not available to me; I can only see customers and orders.',
          caveats: ['The access policy hides salaries.'],
        },
      },
    ],
  },
];

/** The text of the tool_result for a tool_use id, from whichever request carried it. */
function toolResult(peer: ScriptPeer, id: string): { text: string; isError: boolean } {
  for (const request of peer.requests) {
    for (const message of request.body.messages ?? []) {
      if (!Array.isArray(message.content)) continue;
      for (const block of message.content) {
        if (block.type === 'tool_result' && block.tool_use_id === id) {
          const raw = typeof block.content === 'string' ? block.content : JSON.stringify(block.content);
          // the text inside the <data> framing every tool result gets (see src/agent/privacy framing)
          const text = raw.replace(/<\/?data[^>]*>\n?/g, '');
          return { text, isError: block.is_error === true };
        }
      }
    }
  }
  throw new Error(`no tool_result for ${id}`);
}

describe.each(DIALECTS)('an investigation under the access policy [%s]', (dialect) => {
  let context: SleuthContext;
  let peer: ScriptPeer;
  let dir: string;
  const events: InvestigationEvent[] = [];

  beforeAll(async () => {
    const url = await ensurePolicyFixture(dialect, 'sleuth_test_policy_engine');
    peer = await startAnthropicPeer(TURNS);
    dir = mkdtempSync(join(tmpdir(), 'sleuth-policy-engine-'));
    mkdirSync(join(dir, 'knowledge'));
    writeFileSync(join(dir, 'policy.yaml'), stringify({ connections: { fixture: FIXTURE_DATA_RULES } }));
    context = await createSleuthContext({
      env: {
        SLEUTH_DB_FIXTURE_URL: url,
        SLEUTH_DATA_DIR: dir,
        SLEUTH_LOG_LEVEL: 'silent',
        SLEUTH_KNOWLEDGE_DIR: join(dir, 'knowledge'),
        SLEUTH_POLICY_FILE: join(dir, 'policy.yaml'),
        DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_policy_memory'),
        ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000',
        ANTHROPIC_BASE_URL: peer.url,
      },
      cwd: dir,
    });
    const run = context.ask({
      question: 'What is the highest salary we pay?',
      actor: { kind: 'slack', id: 'U0ANALYST', channel: 'C0DATA' },
    });
    for await (const event of run) events.push(event);
  });

  afterAll(async () => {
    await context?.close();
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes, with the refusals recorded as PERMISSION_DENIED SQL errors', () => {
    expect(events.at(-1)?.type).toBe('done');
    const errors = events.filter((e) => e.type === 'sql_error');
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED']);
  });

  it('never shows the model the hidden tables: not in the overview, not in list_tables', () => {
    const system = JSON.stringify(peer.requests[0]?.body.system);
    expect(system).toContain('customers');
    for (const name of HIDDEN) expect(system).not.toContain(name);
    // nor in the knowledge context given with the question (the schema notes of salaries would match it best)
    const first = JSON.stringify(peer.requests[0]?.body.messages);
    for (const name of HIDDEN) expect(first).not.toContain(name);
    const listed = toolResult(peer, 'toolu_list').text;
    expect(listed).toContain('orders');
    expect(listed).toContain('customer_contacts');
    for (const name of HIDDEN) expect(listed).not.toContain(name);
  });

  it('says a hidden table does not exist, and describes the rest without denied columns', () => {
    const hidden = toolResult(peer, 'toolu_describe_hidden');
    expect(hidden.isError).toBe(true);
    expect(hidden.text).toMatch(/NOT_FOUND: No table or view named "salaries"/);
    expect(hidden.text).not.toMatch(/payroll|gmail_customers/);
    const customers = toolResult(peer, 'toolu_describe_customers').text;
    expect(customers).toContain('"phone"');
    expect(customers).toContain('"masked":true');
    expect(customers).not.toContain('email');
  });

  it('returns SQL on hidden tables (and views over them) as a tool error naming the table, never its data', () => {
    for (const id of ['toolu_sql_hidden', 'toolu_sql_view']) {
      const result = toolResult(peer, id);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(
        /^PERMISSION_DENIED: Refused by the access policy: (salaries|payroll) is not available/,
      );
      expect(result.text).toContain('Hint: The access policy');
    }
  });

  it('sends masked values only, in query results and samples', () => {
    expect(toolResult(peer, 'toolu_sql_masked').text).toContain(MASKED_VALUE);
    expect(toolResult(peer, 'toolu_sample').text).toContain(MASKED_VALUE);
    const everything = JSON.stringify(peer.requests.map((r) => r.body));
    expect(everything).not.toContain(SECRET_EMAIL);
    expect(everything).not.toContain(SECRET_SALARY);
    expect(everything).not.toContain('+49 30');
    // and the recorded events (what front ends show) carry no secret either
    expect(JSON.stringify(events)).not.toContain(SECRET_SALARY);
    expect(JSON.stringify(events)).not.toContain('+49 30');
  });
});

/**
 * Guardrails through the composition root (createSleuthContext: the path the CLI, Slack, API and MCP share), with
 * the real Anthropic SDK against the local Messages API peer, the real demo databases, memory on the real PostgreSQL
 * server and a fake clock: the cost budget refuses a cross join and the scripted agent narrows it; a user's question
 * rate and daily model budget refuse with when to retry; all of it lands in the audit log with who and from where.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvestigationEvent } from '../../../src/agent/index.js';
import type { ScriptTurn } from '../../../src/agent/models/script.js';
import type { Actor } from '../../../src/common/actor.js';
import { createFakeClock, type FakeClock } from '../../../src/common/clock.js';
import { isSleuthError, type SleuthError } from '../../../src/common/errors.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import type { SqlDialect } from '../../../src/sql/index.js';
import { ensureDatabase } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';

const open: { context: SleuthContext; peer: ScriptPeer }[] = [];
afterEach(async () => {
  for (const { context, peer } of open.splice(0)) {
    await context.close();
    await peer.close();
  }
});

async function start(options: {
  dialect: SqlDialect;
  turns: ScriptTurn[];
  env?: Record<string, string>;
  clock?: FakeClock;
}): Promise<{ context: SleuthContext; peer: ScriptPeer; clock: FakeClock }> {
  const peer = await startAnthropicPeer(options.turns);
  const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-guardrails-'));
  mkdirSync(join(dataDir, 'knowledge'));
  const clock = options.clock ?? createFakeClock(new Date('2026-11-15T10:00:00Z'));
  const context = await createSleuthContext({
    env: {
      SLEUTH_DB_DEMO_URL: await demoUrl(options.dialect),
      SLEUTH_DEFAULT_DB: 'demo',
      SLEUTH_DATA_DIR: dataDir,
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LOG_LEVEL: 'silent',
      // no verified queries: the FAQ tier never answers before the scripted model
      SLEUTH_KNOWLEDGE_DIR: join(dataDir, 'knowledge'),
      DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_guardrails_memory'),
      ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000',
      ANTHROPIC_BASE_URL: peer.url,
      ...options.env,
    },
    cwd: dataDir,
    clock,
  });
  open.push({ context, peer });
  return { context, peer, clock };
}

const slackUser = (): Actor => {
  const unique = randomUUID().slice(0, 8).toUpperCase();
  return { kind: 'slack', id: `U${unique}`, workspace: `T${unique}`, channel: `C${unique}`, label: 'ada' };
};

async function collect(events: AsyncGenerator<InvestigationEvent, unknown>): Promise<InvestigationEvent[]> {
  const all: InvestigationEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function refused(events: AsyncGenerator<InvestigationEvent, unknown>): Promise<SleuthError> {
  try {
    await collect(events);
  } catch (error) {
    if (isSleuthError(error)) return error;
    throw error;
  }
  throw new Error('expected the question to be refused');
}

const finish = (answer: string): ScriptTurn => ({
  tool_calls: [{ name: 'finish', input: { answer, evidence: [] } }],
  usage: { input_tokens: 10, output_tokens: 5 },
});

const CROSS =
  'SELECT c.acquisition_channel, COUNT(*) AS n FROM orders o CROSS JOIN customers c GROUP BY c.acquisition_channel';
const NARROW =
  'SELECT c.acquisition_channel, COUNT(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.acquisition_channel';

describe.each(['postgres', 'mariadb'] as const)('the query cost budget in an investigation on %s', (dialect) => {
  it('refuses the cross join with the estimate; the agent is told how to narrow it and the narrower query runs', async () => {
    const { context, peer } = await start({
      dialect,
      turns: [
        { tool_calls: [{ name: 'run_sql', input: { sql: CROSS, purpose: 'orders by channel' } }] },
        {
          text: 'Too broad; joining on the key.',
          tool_calls: [{ name: 'run_sql', input: { sql: NARROW, purpose: 'orders by channel' } }],
        },
        {
          tool_calls: [
            {
              name: 'finish',
              input: { answer: 'Orders by channel.', evidence: [{ claim: 'orders by channel', sql: NARROW }] },
            },
          ],
        },
      ],
    });
    const actor = slackUser();
    const events = await collect(context.ask({ question: 'Orders by acquisition channel?', actor, faq: false }));
    const error = events.find((e) => e.type === 'sql_error');
    expect(error).toMatchObject({ type: 'sql_error', code: 'QUERY_TOO_EXPENSIVE' });
    expect(error?.type === 'sql_error' && error.message).toMatch(
      dialect === 'postgres'
        ? /the planner estimates planner cost [\d,]+ \(budget 1,000,000\)/
        : /the planner estimates [\d,]+ rows \(budget 10,000,000\) and rows examined [\d,]+ \(budget 50,000,000\)/,
    );
    expect(error?.type === 'sql_error' && error.hint).toMatch(/Narrow it: aggregate in SQL/);
    // what the model saw after the refusal: the code, the estimate and the hint, as a tool error
    const afterRefusal = JSON.stringify(peer.requests[1]?.body.messages.at(-1));
    expect(afterRefusal).toContain('"is_error":true');
    expect(afterRefusal).toContain('QUERY_TOO_EXPENSIVE');
    expect(afterRefusal).toContain('the planner estimates');
    const result = events.find((e) => e.type === 'sql_result');
    expect(result?.type === 'sql_result' && result.rowCount).toBeGreaterThan(2);
    expect(events.at(-1)?.type).toBe('done');

    const audit = await context.audit.list({ actor: actor.id });
    const sql = audit.filter((a) => a.action === 'sql').reverse();
    expect(sql.map((a) => [a.verdict, a.code])).toEqual([
      ['refused', 'QUERY_TOO_EXPENSIVE'],
      ['allowed', null],
    ]);
    expect(sql[0]!.sql).toBe(CROSS);
    expect(sql[1]).toMatchObject({
      connection: 'demo',
      rowCount: result?.type === 'sql_result' ? result.rowCount : -1,
    });
    expect(typeof sql[1]!.durationMs).toBe('number');
    expect(audit.find((a) => a.action === 'ask')).toMatchObject({
      verdict: 'allowed',
      actorKind: 'slack',
      actorLabel: 'ada',
      workspace: actor.workspace,
      channel: actor.channel,
      detail: { question: 'Orders by acquisition channel?' },
    });
  }, 60_000);
});

describe('limits on questions through the composition root', () => {
  it("refuses a user's question over the hourly rate with when to retry, audited, and admits it after the refill", async () => {
    const { context, clock } = await start({
      dialect: 'sqlite',
      turns: [finish('one'), finish('two'), finish('other user'), finish('after the refill')],
      env: { SLEUTH_LIMIT_USER_PER_HOUR: '2' },
    });
    const actor = slackUser();
    const ask = () => context.ask({ question: 'How many orders?', actor, faq: false });
    await collect(ask());
    await collect(ask());
    const error = await refused(ask());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('Rate limit: you may ask 2 questions per hour. Try again in 30 min.');
    expect(error.details).toMatchObject({ limit: 'user_questions_per_hour', retryAfterMs: 1_800_000 });
    const [latest] = await context.audit.list({ actor: actor.id, limit: 1 });
    expect(latest).toMatchObject({
      action: 'ask',
      verdict: 'refused',
      code: 'RATE_LIMITED',
      workspace: actor.workspace,
      detail: { question: 'How many orders?', retryAfterMs: 1_800_000 },
    });
    // another user is not limited by this one
    await collect(context.ask({ question: 'How many orders?', actor: slackUser(), faq: false }));
    clock.advance(1_800_000);
    const events = await collect(ask());
    expect(events.at(-1)?.type).toBe('done');
  }, 60_000);

  it('closes a queued investigation record that a limit refuses, instead of leaving it queued', async () => {
    const { context } = await start({
      dialect: 'sqlite',
      turns: [],
      env: { SLEUTH_LIMIT_USER_PER_HOUR: '0', SLEUTH_LIMIT_USER_CONCURRENT: '1' },
    });
    const actor = slackUser();
    const memory = await context.memory();
    // a running investigation holds the user's only slot
    const holder = await memory.createInvestigation({ question: 'first', connection: 'demo', status: 'queued' });
    const queued = await memory.createInvestigation({ question: 'second', connection: 'demo', status: 'queued' });
    const first = context.ask({ question: 'first', actor, faq: false, investigationId: holder.id });
    // the first one is running (it holds its lease) while we stop reading after its first event
    await first.next();
    const error = await refused(context.ask({ question: 'second', actor, faq: false, investigationId: queued.id }));
    expect(error.code).toBe('TOO_MANY_CONCURRENT');
    expect(await memory.getInvestigation(queued.id)).toMatchObject({
      status: 'failed',
      error: { code: 'TOO_MANY_CONCURRENT' },
    });
    const [entry] = await context.audit.list({ actor: actor.id, limit: 1 });
    expect(entry).toMatchObject({
      action: 'ask',
      verdict: 'refused',
      code: 'TOO_MANY_CONCURRENT',
      investigationId: queued.id,
    });
    await first.return(undefined as never);
  }, 60_000);

  it("caps an investigation's cost at what is left of the user's day, then refuses until the next UTC day", async () => {
    const clock = createFakeClock(new Date('2026-11-15T20:00:00Z'));
    const expensive: ScriptTurn = {
      tool_calls: [{ name: 'list_tables', input: {} }],
      usage: { input_tokens: 20_000, output_tokens: 100 },
    };
    const { context } = await start({
      dialect: 'sqlite',
      clock,
      turns: [expensive, finish('never reached'), finish('tomorrow')],
      env: { SLEUTH_LIMIT_USER_DAILY_USD: '0.05' },
    });
    const actor = slackUser();
    const first = await collect(context.ask({ question: 'Revenue?', actor, faq: false }));
    // the configured $1 cap became the $0.05 left today, and the first model call used it up
    expect(first.find((e) => e.type === 'budget')).toMatchObject({ kind: 'cost', limit: 0.05, exhausted: true });
    const investigation = await (await context.memory()).getInvestigation(first[0]!.investigationId);
    expect(investigation!.costUsd).toBeGreaterThan(0.05);

    const error = await refused(context.ask({ question: 'Revenue again?', actor, faq: false }));
    expect(error.code).toBe('BUDGET_EXHAUSTED');
    expect(error.message).toMatch(
      /^Your model budget for today is used up \(\$0\.\d\d of \$0\.05\)\. It resets at midnight UTC, in 4 h\.$/,
    );
    expect(error.details).toMatchObject({ limit: 'user_daily_cost', retryAfterMs: 4 * 3_600_000 });

    clock.set(new Date('2026-11-16T00:00:01Z'));
    const tomorrow = await collect(context.ask({ question: 'Revenue?', actor, faq: false }));
    expect(tomorrow.at(-1)).toMatchObject({ type: 'done' });
  }, 60_000);

  it('rates statements from front ends per user and audits each with its verdict', async () => {
    const { context } = await start({ dialect: 'postgres', turns: [], env: { SLEUTH_LIMIT_SQL_PER_MINUTE: '2' } });
    const actor: Actor = { kind: 'mcp', id: `mcp-${randomUUID().slice(0, 8)}`, label: 'claude desktop' };
    const ok = await context.runSql({ sql: 'SELECT COUNT(*) AS n FROM orders', actor });
    expect(ok.estimate?.rows).toBe(1);
    await expect(context.runSql({ sql: 'DELETE FROM orders', actor })).rejects.toMatchObject({ code: 'SQL_REJECTED' });
    await expect(context.runSql({ sql: 'SELECT 1', actor })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      message: 'Rate limit: you may run 2 SQL statements per minute. Try again in 30 s.',
    });
    const audit = await context.audit.list({ actor: actor.id });
    expect(audit.map((a) => [a.action, a.verdict, a.code, a.rowCount])).toEqual([
      ['sql', 'refused', 'RATE_LIMITED', null],
      ['sql', 'rejected', 'SQL_REJECTED', null],
      ['sql', 'allowed', null, 1],
    ]);
    expect(audit[2]).toMatchObject({ actorKind: 'mcp', actorLabel: 'claude desktop', connection: 'demo' });
  }, 60_000);

  it('context.limits.take rates API keys for the HTTP API and audits the refusal', async () => {
    const { context, clock } = await start({ dialect: 'sqlite', turns: [], env: { SLEUTH_LIMIT_API_PER_MINUTE: '3' } });
    const key = `key-${randomUUID().slice(0, 8)}`;
    const actor: Actor = { kind: 'api', id: key, label: 'reporting bot' };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await context.limits.take({ kind: 'api', key }, actor));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 20_000 });
    const [entry] = await context.audit.list({ actor: key });
    expect(entry).toMatchObject({
      action: 'api_request',
      verdict: 'refused',
      code: 'RATE_LIMITED',
      actorLabel: 'reporting bot',
    });
    clock.advance(20_000);
    expect((await context.limits.take({ kind: 'api', key }, actor)).allowed).toBe(true);
  }, 60_000);
});

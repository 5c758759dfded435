/**
 * Secrets never reach an error message, a log line or the model: connection failures for URLs with a password
 * (PostgreSQL on a closed port, MariaDB refusing the login, an ad hoc URL), an investigation on a connection that is
 * down, and database errors that quote a configured password (with no recognisable shape) or a URL with one. The
 * real composition root, real servers, the real Anthropic SDK against the local Messages API peer.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvestigationEvent, ScriptTurn } from '../../../src/agent/index.js';
import { isSleuthError } from '../../../src/common/errors.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { ensureDatabase } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';
import { type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';

// Passwords with characters that need URL encoding, and one without any recognisable token shape.
const PG_PASSWORD = 'Pg-S3cret/with@odd:chars';
const MARIADB_PASSWORD = 'Maria-S3cret#Pw!';
const ADHOC_PASSWORD = 'AdHoc-S3cret-Pw';
const TRUST_PASSWORD = 'Tr0ub4dor-3-horse';

const enc = encodeURIComponent;
const SECRETS = [PG_PASSWORD, MARIADB_PASSWORD, ADHOC_PASSWORD, TRUST_PASSWORD];
const leaks = (text: string) => SECRETS.flatMap((s) => [s, enc(s)]).filter((s) => text.includes(s));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Opened {
  context: SleuthContext;
  logs: string[];
  peer: ScriptPeer;
  close(): Promise<void>;
}

let opened: Opened | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function open(turns: ScriptTurn[]): Promise<Opened> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sleuth-secrets-'));
  const peer = await startAnthropicPeer(turns);
  const logs: string[] = [];
  const trusted = new URL(await demoUrl('postgres'));
  trusted.password = enc(TRUST_PASSWORD); // trust authentication: the password is accepted and ignored
  const context = await createSleuthContext({
    env: {
      SLEUTH_DB_BROKEN_URL: `postgres://sleuth:${enc(PG_PASSWORD)}@127.0.0.1:${await closedPort()}/nowhere`,
      SLEUTH_DB_DENIED_URL: `mysql://nobody_${randomUUID().slice(0, 6)}:${enc(MARIADB_PASSWORD)}@127.0.0.1:3306/nowhere`,
      SLEUTH_DB_TRUSTED_URL: trusted.toString(),
      SLEUTH_DEFAULT_DB: 'trusted',
      SLEUTH_DATA_DIR: dataDir,
      SLEUTH_KNOWLEDGE_DIR: join(dataDir, 'no-knowledge'),
      SLEUTH_LOG_LEVEL: 'debug',
      DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_secrets_memory'),
      ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000',
      ANTHROPIC_BASE_URL: peer.url,
    },
    cwd: dataDir,
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  opened = {
    context,
    logs,
    peer,
    async close() {
      await context.close();
      await peer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return opened;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isSleuthError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a failure');
}

async function drain(events: AsyncGenerator<InvestigationEvent, unknown>): Promise<InvestigationEvent[]> {
  const out: InvestigationEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const actor = { kind: 'cli' as const, id: 'tester' };

describe('secrets in connection failures', () => {
  it('never appear in the error, the logs or the recorded investigation', async () => {
    const { context, logs, peer } = await open([]);
    const refused = await failure(context.runSql({ sql: 'SELECT 1', db: 'broken', actor }));
    expect(refused.code).toBe('CONNECTION_FAILED');
    const denied = await failure(context.runSql({ sql: 'SELECT 1', db: 'denied', actor }));
    expect(denied.code).toBe('CONNECTION_FAILED');
    expect(denied.message).toMatch(/Access denied/);
    const adhoc = await failure(
      context.runSql({
        sql: 'SELECT 1',
        db: `postgres://app:${ADHOC_PASSWORD}@127.0.0.1:${await closedPort()}/x`,
        actor,
      }),
    );
    expect(adhoc.code).toBe('CONNECTION_FAILED');

    // an investigation on the connection that is down fails before any model call, and says why
    const events = await drain(context.ask({ question: 'How many customers?', db: 'broken', actor }));
    const failed = events.find((e) => e.type === 'failed');
    expect(failed).toMatchObject({ type: 'failed', error: { code: 'CONNECTION_FAILED' } });
    expect(peer.requests).toHaveLength(0);
    const memory = await context.memory();
    const record = await memory.getInvestigation(events[0]!.investigationId);
    const stored = JSON.stringify({ record, events: await memory.listEvents(events[0]!.investigationId) });

    expect(leaks([refused.message, denied.message, adhoc.message].join('\n'))).toEqual([]);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(stored)).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(leaks(logs.join('\n'))).toEqual([]);
  });
});

describe('secrets quoted by the database', () => {
  it('never reach the model, the events or the logs', async () => {
    const turns: ScriptTurn[] = [
      {
        tool_calls: [
          { name: 'run_sql', input: { sql: `SELECT CAST('${TRUST_PASSWORD}' AS integer) AS n` } },
          { name: 'run_sql', input: { sql: `SELECT CAST('postgres://app:${ADHOC_PASSWORD}@db/x' AS integer) AS n` } },
        ],
      },
      { tool_calls: [{ name: 'finish', input: { answer: 'Both casts failed.' } }] },
    ];
    const { context, logs, peer } = await open(turns);
    const events = await drain(context.ask({ question: 'Cast these', actor, faq: false }));
    const errors = events.filter((e) => e.type === 'sql_error');
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toMatchObject({ code: 'SQL_ERROR' });
    // the database did quote the values (so redaction, not luck, keeps them out)
    expect(JSON.stringify(errors)).toMatch(/invalid input syntax for type integer: \\"\*\*\*\\"/);
    expect(JSON.stringify(errors)).toContain('postgres://app:***@db/x');

    expect(peer.requests).toHaveLength(2);
    const toolResults = JSON.stringify(peer.requests[1]!.body.messages.at(-1));
    expect(toolResults).toContain('invalid input syntax for type integer');
    expect(leaks(toolResults)).toEqual([]);
    expect(leaks(JSON.stringify(peer.requests.map((r) => r.body.system)))).toEqual([]);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(logs.join('\n'))).toEqual([]);
  });
});

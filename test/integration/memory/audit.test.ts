/**
 * The audit log on both memory backends: the who/where columns, filters, retention purge (also the daily one a
 * running process does, with a fake clock), and append-only enforced by the database itself.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../../src/audit/index.js';
import { createFakeClock } from '../../../src/common/clock.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { ensureDatabase, silentLogger } from '../../helpers/databases.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-15T12:00:00Z');

describe.each([
  { name: 'embedded PGlite', url: async () => undefined },
  { name: 'the real PostgreSQL server', url: () => ensureDatabase('postgres', 'sleuth_test_limits_memory') },
])('the audit log on $name', (backend) => {
  let store: MemoryStore;
  let url: string | undefined;
  beforeAll(async () => {
    url = await backend.url();
    store = await openMemoryStore({ url, logger: silentLogger });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('records who and from where, and filters by time, actor, action and verdict', async () => {
    const user = `U${randomUUID().slice(0, 8)}`;
    const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY);
    const who = { actor: user, actorKind: 'slack', actorLabel: 'ada', workspace: 'T1', channel: 'C1' };
    await store.appendAudit({ ...who, action: 'ask', verdict: 'allowed', detail: { question: 'q?' }, at: at(10) });
    await store.appendAudit({
      ...who,
      action: 'sql',
      sql: 'SELECT 1',
      verdict: 'allowed',
      rowCount: 1,
      durationMs: 12.6,
      connection: 'demo',
      at: at(3),
    });
    await store.appendAudit({
      ...who,
      action: 'sql',
      sql: 'SELECT * FROM a, b',
      verdict: 'refused',
      code: 'QUERY_TOO_EXPENSIVE',
      at: at(1),
    });
    await store.appendAudit({
      actor: `${user}-other`,
      action: 'ask',
      verdict: 'refused',
      code: 'RATE_LIMITED',
      at: at(1),
    });

    const mine = await store.listAudit({ actor: user });
    expect(mine.map((e) => e.action)).toEqual(['sql', 'sql', 'ask']);
    expect(mine[1]).toMatchObject({
      actor: user,
      actorKind: 'slack',
      actorLabel: 'ada',
      workspace: 'T1',
      channel: 'C1',
      connection: 'demo',
      verdict: 'allowed',
      code: null,
      rowCount: 1,
      durationMs: 13,
      at: at(3),
    });
    expect(await store.listAudit({ actor: user, since: at(5) })).toHaveLength(2);
    expect(await store.listAudit({ actor: user, since: at(5), until: at(2) })).toHaveLength(1);
    expect((await store.listAudit({ actor: user, actions: ['ask'] })).map((e) => e.detail)).toEqual([
      { question: 'q?' },
    ]);
    expect((await store.listAudit({ actor: user, verdicts: ['refused', 'rejected'] }))[0]?.code).toBe(
      'QUERY_TOO_EXPENSIVE',
    );
    expect(await store.listAudit({ actor: user, limit: 1 })).toHaveLength(1);
  });

  it('purges by retention and is otherwise append-only', async () => {
    const user = `U${randomUUID().slice(0, 8)}`;
    await store.appendAudit({ actor: user, action: 'ask', at: new Date(Date.now() - 400 * DAY) });
    await store.appendAudit({ actor: user, action: 'ask', at: new Date(Date.now() - 10 * DAY) });
    expect(await store.purgeAudit(new Date(Date.now() - 365 * DAY))).toBeGreaterThanOrEqual(1);
    expect(await store.listAudit({ actor: user })).toHaveLength(1);
    if (url) {
      // the database refuses to change an entry, even for a client with full rights on the table
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await expect(
          client.query('UPDATE audit_log SET verdict = $1 WHERE actor = $2', ['allowed', user]),
        ).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
    }
  });

  it('a running process purges again once a day (fake clock)', async () => {
    const user = `U${randomUUID().slice(0, 8)}`;
    // long ago, so the purge (of the whole table) only reaches this test's first entry in a shared database
    const clock = createFakeClock(Date.now() - 400 * DAY);
    const audit = createAudit({ memory: async () => store, clock, logger: silentLogger, retentionDays: 30 });
    await audit.record({ actor: { kind: 'cli', id: user }, action: 'ask' });
    clock.advance(31 * DAY);
    await audit.record({ actor: { kind: 'cli', id: user }, action: 'sql' });
    // the purge runs in the background after that write; wait for it
    for (let i = 0; i < 50 && (await store.listAudit({ actor: user })).length > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const left = await store.listAudit({ actor: user });
    expect(left.map((e) => [e.action, e.actorKind])).toEqual([['sql', 'cli']]);
    expect(audit.purgedTotal).toBeGreaterThanOrEqual(1);
  });
});

/**
 * The embedded memory's journal (a SQLite file one-shot commands write to instead of opening the memory database):
 * audit entries move into the real audit log complete, in order and exactly once, even when a move is cut off half
 * way; a failed journal write falls back to the memory store (nothing is lost); token buckets take exactly like the
 * memory store's, shared by every process (here: two journal handles) on the same file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../../src/audit/index.js';
import { createFakeClock } from '../../../src/common/clock.js';
import { createMemoryJournal, type MemoryJournal } from '../../../src/journal/index.js';
import { type AuditEntry, type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { silentLogger } from '../../helpers/databases.js';

const NOW = Date.parse('2026-11-15T12:00:00Z');
const journals: MemoryJournal[] = [];
const journalAt = (dir = mkdtempSync(join(tmpdir(), 'sleuth-journal-'))) => {
  const journal = createMemoryJournal({ path: join(dir, 'memory-journal.sqlite'), logger: silentLogger });
  journals.push(journal);
  return journal;
};

let store: MemoryStore;
beforeAll(async () => {
  store = await openMemoryStore({ logger: silentLogger });
}, 60_000);
afterAll(async () => {
  await Promise.all(journals.map((j) => j.close()));
  await store?.close();
});

const entry = (actor: string, i: number): AuditEntry => ({
  actor,
  actorKind: 'cli',
  action: 'sql',
  connection: 'demo',
  sql: `SELECT ${i}`,
  verdict: i % 2 === 0 ? 'allowed' : 'rejected',
  code: i % 2 === 0 ? null : 'SQL_REJECTED',
  rowCount: i % 2 === 0 ? 1 : null,
  durationMs: i,
  detail: { n: i },
  at: new Date(NOW + i * 1000),
});

describe('the memory journal', () => {
  it('moves every audit entry into the log, with all its fields and times, then holds none', async () => {
    const journal = journalAt();
    expect(await journal.drainAudit(store)).toBe(0);
    const actor = `cli:journal-${Date.now()}`;
    for (let i = 0; i < 5; i++) await journal.appendAudit(entry(actor, i));
    expect(await journal.drainAudit(store)).toBe(5);
    expect(await journal.drainAudit(store)).toBe(0);
    const listed = await store.listAudit({ actor });
    expect(listed.map((r) => r.sql)).toEqual(['SELECT 4', 'SELECT 3', 'SELECT 2', 'SELECT 1', 'SELECT 0']);
    expect(listed[1]).toMatchObject({
      actor,
      actorKind: 'cli',
      action: 'sql',
      connection: 'demo',
      verdict: 'rejected',
      code: 'SQL_REJECTED',
      rowCount: null,
      durationMs: 3,
      detail: { n: 3 },
      at: new Date(NOW + 3000),
    });
  });

  it('a move cut off half way loses nothing and records nothing twice when it is done again', async () => {
    const journal = journalAt();
    const actor = `cli:cut-${Date.now()}`;
    for (let i = 0; i < 4; i++) await journal.appendAudit(entry(actor, i));
    let written = 0;
    const dying = {
      async appendAudit(e: AuditEntry) {
        // the process stops after two entries reached the log, before the journal forgot them
        if (written === 2) throw new Error('killed');
        written++;
        await store.appendAudit(e);
      },
    };
    await expect(journal.drainAudit(dying)).rejects.toThrow('killed');
    expect((await store.listAudit({ actor })).map((r) => r.sql)).toEqual(['SELECT 1', 'SELECT 0']);
    expect(await journal.drainAudit(store)).toBe(4);
    expect((await store.listAudit({ actor })).map((r) => r.sql)).toEqual([
      'SELECT 3',
      'SELECT 2',
      'SELECT 1',
      'SELECT 0',
    ]);
  });

  it('the audit writes to the journal while asked to, to memory otherwise, and lists both', async () => {
    const journal = journalAt();
    let journalInUse = true;
    const clock = createFakeClock(new Date(NOW));
    const audit = createAudit({
      memory: async () => store,
      journal,
      useJournal: () => journalInUse,
      clock,
      logger: silentLogger,
      retentionDays: 0,
    });
    const actor = { kind: 'cli' as const, id: `cli:audit-${Date.now()}` };
    await audit.record({ actor, action: 'sql', sql: 'SELECT 1', verdict: 'allowed' });
    // not in the log yet: it waits in the journal
    expect(await store.listAudit({ actor: actor.id })).toEqual([]);
    journalInUse = false;
    clock.advance(1000);
    await audit.record({ actor, action: 'sql', sql: 'SELECT 2', verdict: 'allowed' });
    expect((await audit.list({ actor: actor.id })).map((r) => r.sql)).toEqual(['SELECT 2', 'SELECT 1']);
  });

  it('a journal that cannot be written sends the entry to the memory store instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sleuth-journal-broken-'));
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const journal = createMemoryJournal({ path: join(dir, 'not-a-dir', 'journal.sqlite'), logger: silentLogger });
    journals.push(journal);
    const audit = createAudit({
      memory: async () => store,
      journal,
      useJournal: () => true,
      clock: createFakeClock(new Date(NOW)),
      logger: silentLogger,
      retentionDays: 0,
    });
    const actor = { kind: 'cli' as const, id: `cli:broken-${Date.now()}` };
    await audit.record({ actor, action: 'sql', sql: 'SELECT 1', verdict: 'allowed' });
    expect((await store.listAudit({ actor: actor.id })).map((r) => r.sql)).toEqual(['SELECT 1']);
  });

  it('takes tokens exactly like the memory store, one bucket for every process on the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sleuth-journal-tokens-'));
    const first = journalAt(dir);
    const second = journalAt(dir);
    const key = `user:cli:tokens-${Date.now()}:statements`;
    const take = (j: MemoryJournal | MemoryStore['limits'], nowMs: number, k = key) =>
      j.takeTokens({ key: k, capacity: 2, windowMs: 60_000, nowMs });
    const fromJournal = [
      await take(first, NOW),
      await take(second, NOW + 1),
      await take(first, NOW + 2),
      await take(second, NOW + 30_002),
      await take(first, NOW + 30_003),
    ];
    const fromMemory = [
      await take(store.limits, NOW, `${key}:memory`),
      await take(store.limits, NOW + 1, `${key}:memory`),
      await take(store.limits, NOW + 2, `${key}:memory`),
      await take(store.limits, NOW + 30_002, `${key}:memory`),
      await take(store.limits, NOW + 30_003, `${key}:memory`),
    ];
    expect(fromJournal.map((t) => t.allowed)).toEqual([true, true, false, true, false]);
    for (const [i, taken] of fromJournal.entries()) {
      expect(taken.allowed).toBe(fromMemory[i]!.allowed);
      expect(taken.tokens).toBeCloseTo(fromMemory[i]!.tokens, 9);
    }
  });
});

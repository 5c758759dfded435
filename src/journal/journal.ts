/**
 * The embedded memory's journal: a small SQLite file next to the embedded memory database (PGlite) that one-shot
 * commands write to instead of opening that database, which costs about a second and 300 MB per process (cold start
 * of `sleuth sql`, the first `run_sql` of `sleuth mcp`).
 *
 * - Audit entries are appended here, durably (a committed SQLite transaction), and moved into the audit log the next
 *   time a process opens the memory database or lists or purges the log. Moving is idempotent (each entry carries its
 *   journal id into the log, unique there), so an entry is never lost nor recorded twice.
 * - Rate-limit token buckets of the embedded memory live here for good: SQLite's file locking makes one take atomic
 *   across every process on the data dir, which the single-process embedded database cannot offer.
 *
 * SQLite (node-sqlite3, already loaded for the demo database) opens in milliseconds and runs its work on libuv's
 * thread pool, off the event loop.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type sqlite3 from 'sqlite3';
import type { Logger } from '../common/logger.js';
import type { AuditEntry, TakeTokensInput } from '../memory/index.js';

/** Where journaled audit entries go: the memory store's append (idempotent by `journalId`). */
export interface AuditSink {
  appendAudit(entry: AuditEntry): Promise<void>;
}

export interface MemoryJournal {
  /** The file (created on first write). */
  readonly path: string;
  /** Appends one audit entry; it is on disk when the promise resolves. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Moves every journaled audit entry into `sink`, oldest first; returns how many. No file: nothing to do. */
  drainAudit(sink: AuditSink): Promise<number>;
  /** A token bucket take, with the same arithmetic as the memory store's (`LimitsMemory.takeTokens`). */
  takeTokens(input: TakeTokensInput): Promise<{ allowed: boolean; tokens: number }>;
  /** Drops buckets idle since `idleBeforeMs` (full again by then). */
  cleanupBuckets(idleBeforeMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface MemoryJournalOptions {
  path: string;
  logger: Logger;
  /** How long a write waits for another process's lock (default 5 s). */
  busyTimeoutMs?: number;
}

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  entry TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS limit_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_ms INTEGER NOT NULL
);`;

/** Entries moved per round trip when draining. */
const DRAIN_BATCH = 500;

/** Opens nothing until first used: a process that never audits nor rates anything never touches the file. */
export function createMemoryJournal(options: MemoryJournalOptions): MemoryJournal {
  let opening: Promise<sqlite3.Database> | undefined;

  function db(): Promise<sqlite3.Database> {
    opening ??= open(options.path, options.busyTimeoutMs ?? 5_000);
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  }

  async function takeTokens(input: TakeTokensInput): Promise<{ allowed: boolean; tokens: number }> {
    const handle = await db();
    const cost = input.cost ?? 1;
    // REAL casts: node-sqlite3 binds whole numbers as INTEGER, and integer division would truncate the refill
    const params = {
      $key: input.key,
      $now: Math.round(input.nowMs),
      $capacity: input.capacity,
      $window: input.windowMs,
      $need: cost,
    };
    // elapsed * capacity / window (not elapsed * rate): a whole window refills exactly, without float drift
    const refilled =
      'min(CAST($capacity AS REAL), b.tokens + max(0, $now - b.updated_ms) * CAST($capacity AS REAL) / CAST($window AS REAL))';
    const taken = await all<{ tokens: number }>(
      handle,
      `INSERT INTO limit_buckets AS b (key, tokens, updated_ms)
         SELECT $key, CAST($capacity AS REAL) - $need, $now WHERE $capacity >= $need
       ON CONFLICT (key) DO UPDATE
         SET tokens = max(0, ${refilled} - $need), updated_ms = max(b.updated_ms, $now)
         WHERE ${refilled} >= $need - 1e-9
       RETURNING tokens`,
      params,
    );
    if (taken[0]) return { allowed: true, tokens: Number(taken[0].tokens) };
    const current = await all<{ tokens: number }>(
      handle,
      `SELECT ${refilled} AS tokens FROM limit_buckets AS b WHERE b.key = $key`,
      { $key: input.key, $now: params.$now, $capacity: input.capacity, $window: input.windowMs },
    );
    return { allowed: false, tokens: Number(current[0]?.tokens ?? 0) };
  }

  return {
    path: options.path,
    async appendAudit(entry) {
      const { at, ...rest } = entry;
      const stored = { ...rest, at: (at ?? new Date()).toISOString() };
      await run(await db(), 'INSERT INTO audit (id, entry) VALUES (?, ?)', [randomUUID(), JSON.stringify(stored)]);
    },
    async drainAudit(sink) {
      if (!opening && !existsSync(options.path)) return 0;
      const handle = await db();
      let moved = 0;
      for (;;) {
        const rows = await all<{ seq: number; id: string; entry: string }>(
          handle,
          'SELECT seq, id, entry FROM audit ORDER BY seq LIMIT ?',
          [DRAIN_BATCH],
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          const { at, ...entry } = JSON.parse(row.entry) as Omit<AuditEntry, 'at'> & { at: string };
          await sink.appendAudit({ ...entry, at: new Date(at), journalId: row.id });
        }
        // only what was moved: entries other processes appended meanwhile stay for the next drain
        await run(handle, 'DELETE FROM audit WHERE seq <= ?', [rows.at(-1)!.seq]);
        moved += rows.length;
        if (rows.length < DRAIN_BATCH) break;
      }
      if (moved > 0) options.logger.info({ moved }, 'audit entries moved from the journal to the memory store');
      return moved;
    },
    takeTokens,
    async cleanupBuckets(idleBeforeMs) {
      if (!opening && !existsSync(options.path)) return;
      await run(await db(), 'DELETE FROM limit_buckets WHERE updated_ms < ?', [Math.round(idleBeforeMs)]);
    },
    async close() {
      const handle = opening ? await opening.catch(() => undefined) : undefined;
      opening = undefined;
      if (handle) await new Promise<void>((resolve) => handle.close(() => resolve()));
    },
  };
}

async function open(path: string, busyTimeoutMs: number): Promise<sqlite3.Database> {
  const { default: driver } = await import('sqlite3');
  mkdirSync(dirname(path), { recursive: true });
  const handle = await new Promise<sqlite3.Database>((resolve, reject) => {
    const created: sqlite3.Database = new driver.Database(path, driver.OPEN_READWRITE | driver.OPEN_CREATE, (error) =>
      error ? reject(error) : resolve(created),
    );
  });
  handle.configure('busyTimeout', busyTimeoutMs);
  try {
    await new Promise<void>((resolve, reject) => handle.exec(SCHEMA, (error) => (error ? reject(error) : resolve())));
  } catch (error) {
    handle.close();
    throw error;
  }
  return handle;
}

function all<T>(handle: sqlite3.Database, sql: string, params: unknown): Promise<T[]> {
  return new Promise((resolve, reject) =>
    handle.all(sql, params, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
  );
}

function run(handle: sqlite3.Database, sql: string, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) =>
    handle.run(sql, params, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

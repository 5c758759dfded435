/**
 * A tiny worker-thread pool for the guard (node:worker_threads, no dependency). Each statement gets a time budget
 * once a worker starts on it; past the budget the worker is terminated and replaced, and the statement is refused
 * with SQL_TOO_COMPLEX. Workers are unref'd while idle, so a CLI exits when its work is done.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SqlDialect } from '../dialect.js';
import type { GuardPolicy, GuardVerdict } from '../types.js';
import type { GuardJob, GuardWorkerData, GuardWorkerMessage, GuardWorkerRequest } from './worker.js';

export const DEFAULT_GUARD_BUDGET_MS = 100;
/** How long after the first worker is ready the pool starts its other workers. */
const FILL_AFTER_MS = 1_000;

export interface GuardPoolOptions {
  /** Workers (default: the machine's cores, at most 4). */
  size?: number;
  /** Time one statement may take in a worker (default 100 ms). */
  budgetMs?: number;
}

interface Pending {
  job: GuardJob;
  resolve: (verdict: GuardVerdict) => void;
}

interface Slot {
  worker: Worker;
  /** The worker's replies (ready, started, verdicts): a port of our own, so they can be read synchronously. */
  port: MessagePort;
  ready: boolean;
  /** Dialects whose grammar this worker has warmed up (its first parses are slow; never on a statement's budget). */
  warmed: Set<SqlDialect>;
  current?: Pending;
  timer?: NodeJS.Timeout;
  startedAt?: number;
}

/** A statement whose worker has not said it started (loading the PostgreSQL parser) is refused after this. */
const START_TIMEOUT_MS = 10_000;

function startWorker(dialects: readonly SqlDialect[], replies: MessagePort): Worker {
  const workerData: GuardWorkerData = { warm: [...dialects], replies };
  const transferList = [replies];
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData, transferList });
  // running from source (tsx, vitest): the worker registers the TypeScript loader first, then loads worker.ts
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs');
  const tsx = pathToFileURL(api).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(worker)}); })`;
  return new Worker(boot, { eval: true, workerData, transferList });
}

export class GuardPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly size: number;
  private readonly budgetMs: number;
  private nextId = 1;
  private closed = false;
  private startupFailures = 0;
  private startupFailure: unknown;
  /** Dialects seen so far: a new or replacement worker warms these before it says it is ready. */
  private readonly dialects = new Set<SqlDialect>();
  private fillScheduled = false;

  constructor(options: GuardPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism()));
    this.budgetMs = options.budgetMs ?? DEFAULT_GUARD_BUDGET_MS;
  }

  run(sql: string, dialect: SqlDialect, policy: GuardPolicy): Promise<GuardVerdict> {
    if (this.closed) return Promise.reject(new Error('the guard pool is closed'));
    return new Promise((resolve) => {
      this.queue.push({ job: { id: this.nextId++, sql, dialect, policy }, resolve });
      this.dialects.add(dialect);
      // One worker starts with the first statement, one more whenever a statement waits and none is free; the pool
      // fills up to its size FILL_AFTER_MS after the first worker is ready (an unref'd timer). So a one-shot command
      // (`sleuth sql`) starts one worker, not one per core (cold start), and a server has its spare workers warm
      // before a budget kill needs one to serve while the replacement starts.
      if (this.slots.length < this.size && !this.slots.some((s) => !s.current)) this.slots.push(this.spawn());
      this.pump();
    });
  }

  /** Starts the first worker, warmed for `dialect`, before any statement (no-op once the pool has workers). */
  prepare(dialect: SqlDialect): void {
    if (this.closed) return;
    this.dialects.add(dialect);
    if (this.slots.length === 0) this.slots.push(this.spawn());
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private scheduleFill(): void {
    if (this.fillScheduled) return;
    this.fillScheduled = true;
    setTimeout(() => {
      while (!this.closed && this.slots.length < this.size) this.slots.push(this.spawn());
      this.pump();
    }, FILL_AFTER_MS).unref();
  }

  private spawn(): Slot {
    const warm = [...this.dialects];
    const { port1, port2 } = new MessageChannel();
    const worker = startWorker(warm, port2);
    const slot: Slot = { worker, port: port1, ready: false, warmed: new Set(warm) };
    port1.on('message', (message: GuardWorkerMessage) => this.receive(slot, message));
    worker.on('error', (error) => {
      if (!slot.ready) this.startupFailure = error;
      this.replace(slot, 'The guard worker failed on this statement, so it is refused.');
    });
    worker.on('exit', () => this.replace(slot, 'The guard worker stopped on this statement, so it is refused.'));
    return slot;
  }

  private receive(slot: Slot, message: GuardWorkerMessage): void {
    if ('ready' in message) {
      slot.ready = true;
      this.startupFailures = 0;
      this.scheduleFill();
    } else if ('started' in message) {
      // the budget counts from the moment the worker starts on the statement (after loading a parser)
      if (slot.current?.job.id === message.started) {
        const pending = slot.current;
        clearTimeout(slot.timer);
        slot.startedAt = performance.now();
        slot.timer = setTimeout(() => this.checkBudget(slot, pending), this.budgetMs);
      }
      return;
    } else if (slot.current?.job.id === message.id) {
      clearTimeout(slot.timer);
      const { resolve } = slot.current;
      slot.current = undefined;
      resolve(message.verdict);
    }
    this.pump();
  }

  /**
   * The budget ran out: refuse, unless the verdict is already waiting (a busy event loop runs this timer late; what
   * counts is the worker's time, not the main thread's).
   */
  private checkBudget(slot: Slot, pending: Pending): void {
    for (let m = receiveMessageOnPort(slot.port); m; m = receiveMessageOnPort(slot.port)) {
      this.receive(slot, m.message as GuardWorkerMessage);
    }
    if (slot.current !== pending) return;
    this.replace(
      slot,
      `The statement took the guard more than ${this.budgetMs} ms to analyse; simplify it (less nesting).`,
    );
  }

  /** Refuses the slot's statement (if any) and puts a fresh worker in its place. */
  private replace(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    clearTimeout(slot.timer);
    const current = slot.current;
    slot.current = undefined;
    // the refusal goes out first; stopping and replacing the worker comes after
    if (current) current.resolve(tooComplex(current.job.dialect, reason));
    slot.worker.removeAllListeners();
    slot.port.removeAllListeners();
    slot.port.close();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    if (!slot.ready && this.startupFailure !== undefined && ++this.startupFailures >= 3) {
      // workers cannot start at all: refuse what waits (fail closed) instead of respawning forever
      const detail = this.startupFailure instanceof Error ? this.startupFailure.message : String(this.startupFailure);
      this.startupFailure = undefined;
      this.slots.splice(index, 1);
      for (const pending of this.queue.splice(0)) {
        pending.resolve({
          allowed: false,
          dialect: pending.job.dialect,
          code: 'PARSE_ERROR',
          reason: `The guard's parser workers could not start (${detail.split('\n')[0]}), so the statement is refused.`,
        });
      }
      this.startupFailures = 0;
      return;
    }
    if (this.closed) {
      this.slots.splice(index, 1);
      return;
    }
    const placeholder: Slot = { worker: slot.worker, port: slot.port, ready: false, warmed: new Set() };
    this.slots[index] = placeholder;
    setImmediate(() => {
      const at = this.slots.indexOf(placeholder);
      if (at < 0 || this.closed) return;
      this.slots[at] = this.spawn();
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.current) continue;
      const next = this.queue[0];
      if (!next) break;
      if (!slot.warmed.has(next.job.dialect)) {
        // a dialect this worker has not parsed yet: warm it first (off the budget); it says ready again after
        slot.ready = false;
        slot.warmed.add(next.job.dialect);
        slot.worker.postMessage({ warm: next.job.dialect } satisfies GuardWorkerRequest);
        continue;
      }
      this.queue.shift();
      slot.current = next;
      slot.startedAt = performance.now();
      slot.timer = setTimeout(
        () => this.replace(slot, 'The guard worker did not start on the statement in time, so it is refused.'),
        START_TIMEOUT_MS,
      );
      slot.worker.postMessage(next.job);
    }
    const busy = this.queue.length > 0 || this.slots.some((s) => s.current);
    for (const slot of this.slots) {
      if (busy) {
        slot.worker.ref();
        slot.port.ref();
      } else {
        slot.worker.unref();
        slot.port.unref();
      }
    }
  }
}

function tooComplex(dialect: SqlDialect, reason: string): GuardVerdict {
  return { allowed: false, dialect, code: 'SQL_TOO_COMPLEX', reason };
}

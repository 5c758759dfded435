/**
 * Investigations as jobs: the ports between the front ends that accept questions (HTTP API, MCP, Slack) and the
 * workers that run them. The embedded default runs both in one process; with a real PostgreSQL as the memory store
 * the queue is durable on that database (pg-boss) and events reach every process through it, so `sleuth serve
 * --role api|worker|all` processes can run side by side.
 *
 * Contracts:
 * - The investigation record exists (status `queued`) before its job is enqueued, so its id can be returned and
 *   polled at once. A worker runs it with `investigate({ investigationId })`, which takes the record over.
 * - A job runs to completion on one worker at a time. If its worker dies, the queue hands it to another worker
 *   (`attempt` > 1), which runs it under the same id and resumes it from its recorded steps (the model gets the
 *   recorded turns and tool results back; only the step cut short runs again); events keep appending after the
 *   recorded ones, and only a run that reaches `done` writes a final answer.
 * - Recorded events in the memory store are the source of truth; the bus only says "something new", so a watcher
 *   replays from the store and de-duplicates by `seq`.
 */
import type { InvestigationEvent } from '../agent/events.js';
import type { Actor } from '../common/actor.js';
import { SleuthError } from '../common/errors.js';

/**
 * What a `sleuth serve` process does with investigations: `api` enqueues and watches but never runs them, `worker`
 * runs them (no public API), `all` both. Only `all` works without a shared PostgreSQL memory store.
 */
export type ServeRole = 'api' | 'worker' | 'all';
export const SERVE_ROLES: readonly ServeRole[] = ['api', 'worker', 'all'];

/** One investigation to run. */
export interface InvestigationJob {
  investigationId: string;
  question: string;
  /** Connection name; the default connection when omitted. */
  connection?: string;
  sessionId?: string;
  actor: Actor;
  /** false: skip the FAQ tier and always investigate with the model. */
  faq?: boolean;
  /**
   * The FAQ tier and the question rate were applied when the question was accepted (in the request): the worker
   * skips both and investigates with the model.
   */
  accepted?: boolean;
}

export interface JobRunContext {
  /**
   * Aborted when the job is cancelled (from any process) or the worker stops before it finishes. In the second case
   * the reason is a JobHandedBack: the job goes back to the queue, so the run must stop and record nothing more (it is
   * not a cancellation).
   */
  signal: AbortSignal;
  /** 1 on the first run; more when an earlier worker died or stopped while running it. */
  attempt: number;
}

/** The abort reason of a job that its worker handed back to the queue (stopping, or its lease on the job was lost). */
export class JobHandedBack extends SleuthError {
  constructor(why: string) {
    super('JOB_HANDED_BACK', 'upstream', `The job went back to the queue (${why}); another worker takes it over.`);
  }
}

export function isHandedBack(reason: unknown): reason is JobHandedBack {
  return reason instanceof JobHandedBack;
}

export type JobHandler = (job: InvestigationJob, context: JobRunContext) => Promise<void>;

export type CancelOutcome = 'dequeued' | 'signalled' | 'unknown';

export interface QueueDepth {
  queued: number;
  running: number;
}

export interface JobQueue {
  readonly kind: 'in-process' | 'pg-boss';
  /** Durable once it resolves. */
  enqueue(job: InvestigationJob): Promise<void>;
  /** Starts taking jobs in this process (roles `worker` and `all`), at most `concurrency` at a time. */
  work(handler: JobHandler, options: { concurrency: number }): Promise<void>;
  /**
   * Cancels a job wherever it is. `dequeued`: it had not started and never will (the caller records the cancellation);
   * `signalled`: it is running and its signal is aborted in whichever process runs it (the engine records it);
   * `unknown`: no such job, or it already finished.
   */
  cancel(investigationId: string): Promise<CancelOutcome>;
  depth(): Promise<QueueDepth>;
  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones. Jobs still running then are left unfinished, not
   * cancelled: a durable queue hands them back (their signal aborts with a JobHandedBack reason, and another worker
   * takes them over); in-process ones are marked `interrupted` at the next start.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** "New events for investigation X", across processes. */
export interface EventBus {
  publish(event: InvestigationEvent): Promise<void>;
  /** The listener sees events published after the returned promise resolves; call the result to unsubscribe. */
  subscribe(investigationId: string, listener: (event: InvestigationEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The audit trail: every question, every statement (connection, verdict, rows, duration), every refusal by a limit,
 * a budget or a permission, with who (actor id, kind, label) and from where (front end = actor kind, Slack
 * workspace and channel). Append-only: the database refuses UPDATE; rows leave only through the retention purge,
 * which runs when the memory store opens, at most daily while Sleuth runs, and on `sleuth audit --purge`.
 *
 * Writing an entry never fails the request it describes: a failed write is logged (without the SQL) and dropped.
 */
import type { Actor } from '../common/actor.js';
import type { Clock } from '../common/clock.js';
import { isSleuthError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { AuditEntry, AuditFilter, AuditRecord, MemoryStore } from '../memory/index.js';

export type AuditStore = Pick<MemoryStore, 'appendAudit' | 'listAudit' | 'purgeAudit'>;

/** An entry as callers give it: the Actor instead of its flattened columns. */
export interface AuditInput
  extends Omit<AuditEntry, 'actor' | 'actorKind' | 'actorLabel' | 'workspace' | 'channel' | 'at'> {
  actor?: Actor;
}

export interface RefusalInput {
  actor?: Actor;
  /** What was attempted: ask, sql, schema, api_request, ... */
  action: string;
  /** Stable code (RATE_LIMITED, BUDGET_EXHAUSTED, PERMISSION_DENIED...). */
  code: string;
  /** The sentence the user was shown (never data). */
  reason: string;
  connection?: string | null;
  investigationId?: string | null;
  sql?: string | null;
  detail?: Record<string, unknown>;
}

export interface Audit {
  record(entry: AuditInput): Promise<void>;
  /** A refusal (limit, budget, permission): verdict "refused" with its code and reason. */
  refusal(input: RefusalInput): Promise<void>;
  /** Records `error` as a refusal when it is one (see isRefusalError); returns whether it did. */
  refusalFromError(error: unknown, input: Omit<RefusalInput, 'code' | 'reason'>): Promise<boolean>;
  list(filter?: AuditFilter): Promise<AuditRecord[]>;
  /**
   * Deletes entries older than the retention (0 when retention is off); returns how many. `store` is for the
   * memory store's own opening, before `deps.memory()` resolves.
   */
  purge(store?: AuditStore): Promise<number>;
  /** Entries deleted by this process's purges so far (the one at open included). */
  readonly purgedTotal: number;
  readonly retentionDays: number;
}

/**
 * Where entries go while the memory store is not open in this process (the embedded memory's journal, see
 * src/journal): a one-shot command records its statement without opening the memory database.
 */
export interface AuditJournal {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Moves journaled entries (this and other processes') into the store. */
  drainAudit(store: Pick<AuditStore, 'appendAudit'>): Promise<number>;
}

export interface AuditDeps {
  memory: () => Promise<AuditStore>;
  /**
   * The journal, when there is one: `record` appends there while `useJournal()` says so (the memory store is not
   * open); `list` and `purge` move its entries into the store first, so they see every entry.
   */
  journal?: AuditJournal;
  useJournal?: () => boolean;
  clock: Clock;
  logger: Logger;
  /** Days kept; 0 keeps everything. */
  retentionDays: number;
}

const DAY = 86_400_000;

/**
 * Codes that mean "Sleuth refused on purpose" (audited as refusals), as opposed to failures. Another guardrail can
 * join without editing this list by throwing a SleuthError with `details.refusal = true`.
 */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'TOO_MANY_CONCURRENT',
  'BUDGET_EXHAUSTED',
  'QUERY_TOO_EXPENSIVE',
  'PERMISSION_DENIED',
]);

export function isRefusalError(error: unknown): boolean {
  return isSleuthError(error) && (error.details.refusal === true || REFUSAL_CODES.has(error.code));
}

/** The audit verdict for a failed statement or request. */
export function verdictOf(code: string, details?: Record<string, unknown>): 'rejected' | 'refused' | 'error' {
  if (code === 'SQL_REJECTED') return 'rejected';
  if (details?.refusal === true || REFUSAL_CODES.has(code)) return 'refused';
  return 'error';
}

export function actorColumns(
  actor: Actor | undefined,
): Pick<AuditEntry, 'actor' | 'actorKind' | 'actorLabel' | 'workspace' | 'channel'> {
  return {
    actor: actor?.id ?? null,
    actorKind: actor?.kind ?? null,
    actorLabel: actor?.label ?? null,
    workspace: actor?.workspace ?? null,
    channel: actor?.channel ?? null,
  };
}

/** The instant before which entries are purged, or undefined when retention keeps everything. */
export function retentionCutoff(nowMs: number, retentionDays: number): Date | undefined {
  return retentionDays > 0 ? new Date(nowMs - retentionDays * DAY) : undefined;
}

export function createAudit(deps: AuditDeps): Audit {
  let lastPurge = deps.clock();
  let purgedTotal = 0;

  async function purge(store?: AuditStore): Promise<number> {
    const cutoff = retentionCutoff(deps.clock(), deps.retentionDays);
    lastPurge = deps.clock();
    if (!cutoff) return 0;
    const target = store ?? (await deps.memory());
    await drain(target);
    const deleted = await target.purgeAudit(cutoff);
    purgedTotal += deleted;
    return deleted;
  }

  function purgeIfDue(): void {
    if (deps.retentionDays <= 0 || deps.clock() - lastPurge < DAY) return;
    purge()
      .then((deleted) => deps.logger.info({ deleted }, 'audit retention purge'))
      .catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'audit retention purge failed'));
  }

  /** Journaled entries into the store; a failure is logged (they stay in the journal for the next time). */
  async function drain(store: AuditStore): Promise<void> {
    if (!deps.journal) return;
    await deps.journal
      .drainAudit(store)
      .catch((error: unknown) =>
        deps.logger.warn({ err: isSleuthError(error) ? error.code : String(error) }, 'audit journal move failed'),
      );
  }

  /** Appends to the journal; false when that failed (the memory store takes the entry instead: never lost). */
  async function journaled(journal: AuditJournal, entry: AuditEntry): Promise<boolean> {
    try {
      await journal.appendAudit(entry);
      return true;
    } catch (error) {
      deps.logger.warn({ action: entry.action, err: String(error) }, 'audit journal write failed; writing to memory');
      return false;
    }
  }

  async function record(input: AuditInput): Promise<void> {
    const { actor, ...rest } = input;
    const entry: AuditEntry = { ...rest, ...actorColumns(actor), at: new Date(deps.clock()) };
    if (!(deps.journal && deps.useJournal?.() && (await journaled(deps.journal, entry)))) {
      try {
        const store = await deps.memory();
        await store.appendAudit(entry);
      } catch (error) {
        deps.logger.warn(
          { action: input.action, err: isSleuthError(error) ? error.code : String(error) },
          'audit write failed',
        );
      }
    }
    purgeIfDue();
  }

  async function refusal(input: RefusalInput): Promise<void> {
    await record({
      actor: input.actor,
      action: input.action,
      connection: input.connection ?? null,
      investigationId: input.investigationId ?? null,
      sql: input.sql ?? null,
      verdict: 'refused',
      code: input.code,
      detail: { reason: input.reason, ...input.detail },
    });
  }

  return {
    record,
    refusal,
    async refusalFromError(error, input) {
      if (!isRefusalError(error) || !isSleuthError(error)) return false;
      const retryAfterMs = error.details.retryAfterMs;
      await refusal({
        ...input,
        code: error.code,
        reason: error.message,
        detail: { ...input.detail, ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}) },
      });
      return true;
    },
    async list(filter) {
      const store = await deps.memory();
      await drain(store);
      return store.listAudit(filter);
    },
    purge,
    get purgedTotal() {
      return purgedTotal;
    },
    retentionDays: deps.retentionDays,
  };
}

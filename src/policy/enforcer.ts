/**
 * The policy adapter the composition root wires into every front end's path: connection access per actor, and a
 * SqlExecutor wrapper that decides each statement the guard allowed (refuse, or run and mask) before it runs.
 * Refusals are UserError PERMISSION_DENIED naming what was denied (table, column), never data.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../common/errors.js';
import type { Actor } from '../common/index.js';
import type { Logger } from '../common/logger.js';
import type { AccessPolicy } from '../config/index.js';
import type { DataSource } from '../datasources/index.js';
import {
  type ExecutedQuery,
  type ExecuteOptions,
  type GuardAllowed,
  type GuardPolicy,
  type SqlExecutor,
  type SqlGuard,
  statementGuardPolicy,
  verifySql,
} from '../sql/index.js';
import { type AccessDecision, connectionAccess } from './access.js';
import { decideStatement, type StatementDecision } from './decide.js';
import { maskResult } from './mask.js';
import { compileDataRules, type DataRules } from './rules.js';
import { createSnapshotStore, type SnapshotStore } from './snapshot.js';

export interface PolicyEnforcerDeps {
  policy: AccessPolicy | undefined;
  guard: SqlGuard;
  /** The raw executor (guard + read-only path); catalog reads for the policy go through it. */
  executor: SqlExecutor;
  logger: Logger;
  /** How long a catalog snapshot (relations, view definitions) is reused (default 60 s). */
  snapshotTtlMs?: number;
  now?: () => number;
  /** The connection's own guard additions, the same the executor merges (so both read a statement alike). */
  guardPolicy?: (source: DataSource) => GuardPolicy | undefined;
}

export interface PolicyEnforcer {
  /** True when a policy is configured. */
  readonly active: boolean;
  readonly policy: AccessPolicy | undefined;
  access(actor: Actor | undefined, connection: string): AccessDecision;
  /** Throws PERMISSION_DENIED when the actor may not use the connection. */
  assertAccess(actor: Actor | undefined, connection: string): void;
  rules(connection: string): DataRules;
  /** Changes whenever the connection's data rules change (part of result-cache keys). */
  fingerprint(connection: string): string;
  /** The policy's verdict on a statement the guard allowed. */
  decide(source: DataSource, verdict: GuardAllowed): Promise<StatementDecision>;
  /** An executor that checks access and the data rules before running, and masks what the rules mask. */
  executorFor(actor: Actor | undefined): SqlExecutor;
  readonly snapshots: SnapshotStore;
}

export function permissionDenied(reason: string, details: Record<string, unknown> = {}): UserError {
  return new UserError('PERMISSION_DENIED', reason, { details });
}

export function createPolicyEnforcer(deps: PolicyEnforcerDeps): PolicyEnforcer {
  const compiled = new Map<string, DataRules>();
  const rules = (connection: string): DataRules => {
    let found = compiled.get(connection);
    if (!found) {
      found = compileDataRules(deps.policy, connection);
      compiled.set(connection, found);
    }
    return found;
  };
  const snapshots = createSnapshotStore({
    guard: deps.guard,
    executor: deps.executor,
    logger: deps.logger,
    ttlMs: deps.snapshotTtlMs,
    now: deps.now,
  });

  const enforcer: PolicyEnforcer = {
    active: deps.policy !== undefined,
    policy: deps.policy,
    access: (actor, connection) => connectionAccess(deps.policy, actor, connection),
    assertAccess(actor, connection) {
      const decision = connectionAccess(deps.policy, actor, connection);
      if (decision.allowed) return;
      deps.logger.info({ actor: actor?.id, kind: actor?.kind, connection }, 'access refused by policy');
      throw permissionDenied(decision.reason, { connection });
    },
    rules,
    fingerprint(connection) {
      const r = rules(connection);
      if (!r.restricted) return 'open';
      return createHash('sha256').update(JSON.stringify(r.lists)).digest('hex').slice(0, 16);
    },
    async decide(source, verdict) {
      const r = rules(source.name);
      if (!r.restricted) return { allowed: true, maskedColumns: [] };
      const snapshot = await snapshots.forTables(source, verdict.tables);
      return decideStatement(r, snapshot, verdict);
    },
    executorFor(actor) {
      return {
        async execute(source: DataSource, sql: string, options?: ExecuteOptions): Promise<ExecutedQuery> {
          enforcer.assertAccess(actor, source.name);
          if (!rules(source.name).restricted) return deps.executor.execute(source, sql, options);
          const guardPolicy = statementGuardPolicy(source, options ?? {}, deps.guardPolicy?.(source));
          const verdict = await verifySql(deps.guard, sql, source.dialect, guardPolicy);
          // a statement the guard refuses is refused by the executor with the guard's own error
          if (!verdict.allowed) return deps.executor.execute(source, sql, options);
          const decision = await enforcer.decide(source, verdict);
          if (!decision.allowed) {
            deps.logger.info(
              { actor: actor?.id, connection: source.name, denied: decision.denied },
              'statement refused by policy',
            );
            throw permissionDenied(`Refused by the access policy: ${decision.reason}`, {
              connection: source.name,
              denied: decision.denied,
            });
          }
          const result = await deps.executor.execute(source, sql, options);
          // safety net: a masked column must come back under the name the decision expects, or nothing comes back
          const names = new Set(result.columns.map((c) => c.name.toLowerCase()));
          const misplaced = decision.maskedColumns.find((c) => !names.has(c));
          if (misplaced) {
            throw permissionDenied(
              `Refused by the access policy: the masked column ${misplaced} came back under another name; select it as it is, or give it an alias.`,
              { connection: source.name, denied: { table: '(result)', column: misplaced } },
            );
          }
          return maskResult(result, decision.maskedColumns);
        },
      };
    },
    snapshots,
  };
  return enforcer;
}

/**
 * Guardrail settings: rate, concurrency and daily cost limits (src/limits), audit retention (src/audit) and the
 * query cost budget (src/sql/budget). Read from the config file and SLEUTH_* variables like everything else; a zero
 * limit means "not limited", and `SLEUTH_LIMITS=off` / `SLEUTH_QUERY_BUDGET=off` turn a whole family off.
 */
import { z } from 'zod';
import { DEFAULT_QUERY_BUDGETS, type QueryBudget } from '../sql/budget/index.js';
import type { SqlDialect } from '../sql/dialect.js';

export interface LimitsConfig {
  readonly enabled: boolean;
  /** Token bucket per user (actor): questions per hour. 0 = not limited. */
  readonly userInvestigationsPerHour: number;
  /** Token bucket per Slack workspace: questions per hour. */
  readonly workspaceInvestigationsPerHour: number;
  /** Token bucket per API key: requests per minute (the HTTP API calls limits.take per request). */
  readonly apiRequestsPerMinute: number;
  /** Token bucket per user: statements per minute from front ends (sleuth sql, API, MCP run_sql). */
  readonly userStatementsPerMinute: number;
  /** Investigations running at once per user and per connection (leases). */
  readonly userConcurrentInvestigations: number;
  readonly connectionConcurrentInvestigations: number;
  /** Model spend per UTC day, in USD, per user and per workspace. */
  readonly userDailyCostUsd: number;
  readonly workspaceDailyCostUsd: number;
  /** A concurrency lease (and cost reservation) not renewed for this long is free again (a dead process's). */
  readonly leaseTtlMs: number;
}

export interface AuditConfig {
  /** Audit entries older than this many days are deleted at start and daily; 0 keeps them forever. */
  readonly retentionDays: number;
}

export interface QueryBudgetConfig {
  readonly enabled: boolean;
  /** Per dialect, for connections (and ad hoc URLs) without their own. SQLite has no planner estimates. */
  readonly defaults: Readonly<Record<'postgres' | 'mariadb', QueryBudget>>;
  /** Per configured connection: its budget, or null when switched off for it. */
  readonly connections: Readonly<Record<string, QueryBudget | null>>;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  enabled: true,
  userInvestigationsPerHour: 20,
  workspaceInvestigationsPerHour: 500,
  apiRequestsPerMinute: 100,
  userStatementsPerMinute: 120,
  userConcurrentInvestigations: 3,
  connectionConcurrentInvestigations: 10,
  userDailyCostUsd: 10,
  workspaceDailyCostUsd: 200,
  leaseTtlMs: 300_000,
};

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;

const count = z.number().int().min(0).max(1_000_000);
const usd = z.number().min(0).max(1_000_000);
export const queryBudgetSchema = z.strictObject({
  maxRows: z.number().positive().optional(),
  maxCost: z.number().positive().optional(),
});

export const guardrailFileSchema = {
  limits: z
    .strictObject({
      enabled: z.boolean().optional(),
      userInvestigationsPerHour: count.optional(),
      workspaceInvestigationsPerHour: count.optional(),
      apiRequestsPerMinute: count.optional(),
      userStatementsPerMinute: count.optional(),
      userConcurrentInvestigations: z.number().int().min(0).max(1000).optional(),
      connectionConcurrentInvestigations: z.number().int().min(0).max(1000).optional(),
      userDailyCostUsd: usd.optional(),
      workspaceDailyCostUsd: usd.optional(),
      leaseTtlSeconds: z.number().int().min(10).max(86_400).optional(),
    })
    .optional(),
  audit: z.strictObject({ retentionDays: z.number().int().min(0).max(36_500).optional() }).optional(),
  queryBudget: z
    .strictObject({
      enabled: z.boolean().optional(),
      postgres: queryBudgetSchema.optional(),
      mariadb: queryBudgetSchema.optional(),
    })
    .optional(),
};

type FileLimits = z.infer<typeof guardrailFileSchema.limits>;
type FileBudget = z.infer<typeof queryBudgetSchema>;

export const GUARDRAIL_ENV_VARS: Readonly<Record<string, string>> = {
  SLEUTH_LIMITS: 'on|off: rate, concurrency and daily cost limits (default on)',
  SLEUTH_LIMIT_USER_PER_HOUR: 'questions per user per hour (20; 0 = no limit)',
  SLEUTH_LIMIT_WORKSPACE_PER_HOUR: 'questions per Slack workspace per hour (500)',
  SLEUTH_LIMIT_API_PER_MINUTE: 'HTTP API requests per API key per minute (100)',
  SLEUTH_LIMIT_SQL_PER_MINUTE: 'statements per user per minute from sleuth sql, the API and MCP (120)',
  SLEUTH_LIMIT_USER_CONCURRENT: 'investigations running at once per user (3)',
  SLEUTH_LIMIT_CONNECTION_CONCURRENT: 'investigations running at once per connection (10)',
  SLEUTH_LIMIT_USER_DAILY_USD: 'model spend per user per UTC day in USD (10)',
  SLEUTH_LIMIT_WORKSPACE_DAILY_USD: 'model spend per Slack workspace per UTC day in USD (200)',
  SLEUTH_AUDIT_RETENTION_DAYS: 'days of audit log kept (90; 0 = forever)',
  SLEUTH_QUERY_BUDGET: 'on|off: EXPLAIN each SELECT on PostgreSQL/MariaDB and refuse it over budget (default on)',
};

const LIMIT_ENV: [keyof LimitsConfig, string, 'count' | 'usd'][] = [
  ['userInvestigationsPerHour', 'SLEUTH_LIMIT_USER_PER_HOUR', 'count'],
  ['workspaceInvestigationsPerHour', 'SLEUTH_LIMIT_WORKSPACE_PER_HOUR', 'count'],
  ['apiRequestsPerMinute', 'SLEUTH_LIMIT_API_PER_MINUTE', 'count'],
  ['userStatementsPerMinute', 'SLEUTH_LIMIT_SQL_PER_MINUTE', 'count'],
  ['userConcurrentInvestigations', 'SLEUTH_LIMIT_USER_CONCURRENT', 'count'],
  ['connectionConcurrentInvestigations', 'SLEUTH_LIMIT_CONNECTION_CONCURRENT', 'count'],
  ['userDailyCostUsd', 'SLEUTH_LIMIT_USER_DAILY_USD', 'usd'],
  ['workspaceDailyCostUsd', 'SLEUTH_LIMIT_WORKSPACE_DAILY_USD', 'usd'],
];

export function readLimitsConfig(values: Map<string, string>, file: FileLimits, problems: string[]): LimitsConfig {
  const { leaseTtlSeconds, ...fromFile } = file ?? {};
  const limits: { -readonly [K in keyof LimitsConfig]: LimitsConfig[K] } = {
    ...DEFAULT_LIMITS,
    ...fromFile,
    ...(leaseTtlSeconds !== undefined ? { leaseTtlMs: leaseTtlSeconds * 1000 } : {}),
  };
  const onOff = readOnOff(values, 'SLEUTH_LIMITS', problems);
  if (onOff !== undefined) limits.enabled = onOff;
  for (const [key, envName, kind] of LIMIT_ENV) {
    const raw = values.get(envName);
    if (raw === undefined) continue;
    const value = Number(raw.trim());
    const valid =
      raw.trim() !== '' && Number.isFinite(value) && value >= 0 && (kind === 'usd' || Number.isInteger(value));
    if (!valid) {
      problems.push(
        `${envName} must be ${kind === 'usd' ? 'an amount in USD' : 'a whole number'} of 0 or more, got "${raw.slice(0, 40)}".`,
      );
    } else (limits as Record<string, unknown>)[key] = value;
  }
  return limits;
}

export function readAuditConfig(
  values: Map<string, string>,
  file: { retentionDays?: number } | undefined,
  problems: string[],
): AuditConfig {
  const raw = values.get('SLEUTH_AUDIT_RETENTION_DAYS');
  if (raw === undefined) return { retentionDays: file?.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS };
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) > 36_500) {
    problems.push(`SLEUTH_AUDIT_RETENTION_DAYS must be a whole number of days (0 keeps everything), got "${raw}".`);
    return { retentionDays: DEFAULT_AUDIT_RETENTION_DAYS };
  }
  return { retentionDays: Number(raw) };
}

export function readQueryBudgetConfig(
  values: Map<string, string>,
  file: z.infer<typeof guardrailFileSchema.queryBudget>,
  connections: readonly { name: string; dialect: SqlDialect; queryBudget?: FileBudget | false }[],
  problems: string[],
): QueryBudgetConfig {
  const defaults = {
    postgres: withDefaults(file?.postgres, DEFAULT_QUERY_BUDGETS.postgres),
    mariadb: withDefaults(file?.mariadb, DEFAULT_QUERY_BUDGETS.mariadb),
  };
  const perConnection: Record<string, QueryBudget | null> = {};
  for (const connection of connections) {
    if (connection.queryBudget === undefined) continue;
    if (connection.dialect === 'sqlite' && connection.queryBudget !== false) {
      problems.push(
        `connections.${connection.name}.queryBudget: SQLite's planner reports no row or cost estimates, so a query budget cannot apply; remove it.`,
      );
      continue;
    }
    perConnection[connection.name] =
      connection.queryBudget === false
        ? null
        : withDefaults(connection.queryBudget, defaults[connection.dialect as 'postgres' | 'mariadb']);
  }
  const onOff = readOnOff(values, 'SLEUTH_QUERY_BUDGET', problems);
  return { enabled: onOff ?? file?.enabled ?? true, defaults, connections: perConnection };
}

/** The budget for a connection (a configured name, else the dialect default); undefined when there is none. */
export function queryBudgetFor(
  config: QueryBudgetConfig,
  connection: string | undefined,
  dialect: SqlDialect,
): QueryBudget | undefined {
  if (!config.enabled || dialect === 'sqlite') return undefined;
  if (connection !== undefined && connection in config.connections) return config.connections[connection] ?? undefined;
  return config.defaults[dialect];
}

function withDefaults(budget: FileBudget | undefined, base: QueryBudget): QueryBudget {
  return { maxRows: budget?.maxRows ?? base.maxRows, maxCost: budget?.maxCost ?? base.maxCost };
}

function readOnOff(values: Map<string, string>, name: string, problems: string[]): boolean | undefined {
  const raw = values.get(name);
  if (raw === undefined) return undefined;
  const lower = raw.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(lower)) return true;
  if (['off', 'false', '0', 'no'].includes(lower)) return false;
  problems.push(`${name} must be on or off, got "${raw.slice(0, 40)}".`);
  return undefined;
}

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { InvestigationBudgets } from '../agent/budget.js';
import { ConfigError } from '../common/errors.js';
import { DEFAULT_NUMBER_FORMAT, type NumberFormat } from '../common/numbers.js';
import { redactSecrets } from '../common/redact.js';
import { parseConnectionUrl } from '../datasources/index.js';
import type { ConnectionConfig } from '../datasources/types.js';
import { type McpServersConfig, mcpServerProblem, readMcpServersFile } from '../mcp/client/index.js';
import { type ModelConfig, readBudgets, readModelConfig } from './agent.js';
import { type ApiConfig, readApiConfig } from './api.js';
import type { ConnectionConfigDraft } from './draft.js';
import { parseInteger, readSleuthEnv } from './env.js';
import {
  type AuditConfig,
  type LimitsConfig,
  type QueryBudgetConfig,
  readAuditConfig,
  readLimitsConfig,
  readQueryBudgetConfig,
} from './guardrails.js';
import {
  readMemoryPoolSize,
  readTracingConfig,
  readWorkersConfig,
  type TracingConfig,
  type WorkersConfig,
} from './operations.js';
import { type PiiConfig, readPiiConfig } from './pii.js';
import { type AccessPolicy, accessPolicySchema, policyConnectionProblems } from './policy.js';
import { type ConfigFile, configFileSchema, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS, logLevelSchema } from './schema.js';
import { closest, knownKeysAt } from './suggest.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The validated, frozen configuration every part of Sleuth reads. Built once, in the composition root. */
export interface SleuthConfig {
  readonly connections: readonly ConnectionConfig[];
  readonly defaultConnection: string;
  /** Absolute directory for Sleuth's own files (demo database, embedded stores). */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Pinned "now" (SLEUTH_NOW), if any. */
  readonly now: Date | undefined;
  /** True when nothing was configured and the built-in SQLite demo connection is the default. */
  readonly usesDemoConnection: boolean;
  readonly configFile: string | undefined;
  /** Limits applied to connections (and ad hoc URLs) that do not set their own. */
  readonly defaults: { readonly timeoutMs: number; readonly maxRows: number };
  /** The model, when one is configured; undefined otherwise (the SQL tools and FAQ tier still work). */
  readonly model: ModelConfig | undefined;
  readonly budgets: Readonly<InvestigationBudgets>;
  /** PostgreSQL URL for Sleuth's memory (DATABASE_URL); undefined means embedded PGlite under dataDir. */
  readonly memoryUrl: string | undefined;
  /** Connections to a PostgreSQL memory store (SLEUTH_MEMORY_POOL_SIZE). */
  readonly memoryPoolSize: number;
  readonly knowledge: KnowledgeConfig;
  /** External MCP servers from mcp.json (SLEUTH_MCP_CONFIG), started lazily for mcp:// connections. */
  readonly mcp: McpServersConfig;
  /** Rate, concurrency and daily cost limits per user, workspace, API key and connection. */
  readonly limits: LimitsConfig;
  readonly audit: AuditConfig;
  /** EXPLAIN-based query cost budget per connection. */
  readonly queryBudget: QueryBudgetConfig;
  readonly pii: PiiConfig;
  /**
   * The access policy (who may use which connections; hidden tables, denied and masked columns), or undefined when
   * none is configured: then everyone may use everything, as without this feature.
   */
  readonly policy: AccessPolicy | undefined;
  /** Where the policy came from (the config file or SLEUTH_POLICY_FILE), for messages. */
  readonly policySource: string | undefined;
  /** How `sleuth serve --role worker|all` works the job queue. */
  readonly workers: WorkersConfig;
  /** OpenTelemetry export; undefined (the default) = tracing off. */
  readonly tracing: TracingConfig | undefined;
  /** Static HTTP API credentials (bearer tokens, the metrics token). */
  readonly api: ApiConfig;
  /** How numbers are written for readers (Slack answers): locale and currency. */
  readonly numberFormat: NumberFormat;
  /** Kubernetes service-link variables (SLEUTH_SERVICE_HOST...) that were ignored; logged at debug. */
  readonly ignoredEnv: readonly string[];
}

export interface KnowledgeConfig {
  /** Absolute path of the knowledge folder (verified/, glossary.yaml, docs/). */
  readonly dir: string;
  readonly faqThreshold: number;
  readonly qdrantUrl: string | undefined;
  readonly qdrantApiKey: string | undefined;
  /** Local embeddings model folder; undefined = lexical-only retrieval. */
  readonly embeddingsDir: string | undefined;
  readonly embeddingsModel: string;
}

export interface LoadConfigOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export const DEMO_CONNECTION_NAME = 'demo';
const CONFIG_FILE_NAMES = ['sleuth.config.json', 'sleuth.config.yaml', 'sleuth.config.yml'];

/** Reads env and the optional config file; throws one ConfigError listing every problem found. */
export function loadConfig(options: LoadConfigOptions): SleuthConfig {
  const problems: string[] = [];
  const envReading = readSleuthEnv(options.env);
  problems.push(...envReading.problems);
  const values = envReading.values;

  const configFile = findConfigFile(options.cwd, values.get('SLEUTH_CONFIG'), problems);
  const file = configFile ? readConfigFile(configFile, options.env, problems) : {};

  const defaults = {
    timeoutMs: readEnvInteger(values, 'SLEUTH_TIMEOUT_MS', problems) ?? file.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRows: readEnvInteger(values, 'SLEUTH_MAX_ROWS', problems) ?? file.defaults?.maxRows ?? DEFAULT_MAX_ROWS,
  };
  const dataDir = resolve(options.cwd, values.get('SLEUTH_DATA_DIR') ?? file.dataDir ?? '.sleuth');

  const drafts = new Map<string, Partial<ConnectionConfigDraft>>();
  for (const [name, conn] of Object.entries(file.connections ?? {})) drafts.set(name, { ...conn });
  for (const [name, conn] of envReading.connections) drafts.set(name, { ...drafts.get(name), ...conn });

  const connections = buildConnections(drafts, defaults, problems);
  const usesDemoConnection = connections.length === 0;
  if (usesDemoConnection) {
    connections.push({
      name: DEMO_CONNECTION_NAME,
      url: `sqlite:${join(dataDir, 'demo.sqlite')}`,
      dialect: 'sqlite',
      ...defaults,
    });
  }

  const defaultConnection = values.get('SLEUTH_DEFAULT_DB') ?? file.defaultConnection ?? connections[0]?.name ?? '';
  if (!connections.some((c) => c.name === defaultConnection)) {
    problems.push(
      `The default connection "${defaultConnection}" is not configured (known: ${connections.map((c) => c.name).join(', ')}).`,
    );
  }

  const logLevel = readLogLevel(values.get('SLEUTH_LOG_LEVEL') ?? file.logLevel, problems);
  const now = readNow(values.get('SLEUTH_NOW') ?? file.now, problems);
  const numberFormat = readNumberFormat(
    values.get('SLEUTH_LOCALE') ?? file.locale,
    values.get('SLEUTH_CURRENCY') ?? file.currency,
    problems,
  );

  const model = readModelConfig(values, file, problems);
  const budgets = readBudgets(values, file, problems);
  const memoryUrl = values.get('DATABASE_URL') ?? file.memory?.url;
  if (memoryUrl !== undefined && !/^postgres(ql)?:\/\//.test(memoryUrl)) {
    problems.push('DATABASE_URL (Sleuth memory) must be a postgres:// or postgresql:// URL.');
  }

  const knowledge = readKnowledgeConfig(values, options.cwd, problems);
  const mcp = readMcpConfig(values, options, connections, problems);
  const limits = readLimitsConfig(values, file.limits, problems);
  const audit = readAuditConfig(values, file.audit, problems);
  const queryBudget = readQueryBudgetConfig(
    values,
    file.queryBudget,
    Object.entries(file.connections ?? {}).flatMap(([name, conn]) => {
      const dialect = connections.find((c) => c.name === name)?.dialect;
      return dialect ? [{ name, dialect, queryBudget: conn.queryBudget }] : [];
    }),
    problems,
  );
  const pii = readPiiConfig(values, file, problems);
  const { policy, policySource } = readPolicy(values, file, configFile, options, problems);
  if (policy) {
    const known = connections.map((c) => c.name);
    problems.push(...policyConnectionProblems(policy, known, `${policySource}: policy.`));
  }
  const workers = readWorkersConfig(values, file, problems);
  const memoryPoolSize = readMemoryPoolSize(values, file, workers, problems);
  const tracing = readTracingConfig(values, file, problems);
  const api = readApiConfig(values, file, problems);

  if (problems.length > 0) throw new ConfigError(problems.map(redactSecrets));
  return deepFreeze({
    knowledge,
    pii,
    connections,
    defaultConnection,
    dataDir,
    logLevel,
    now,
    usesDemoConnection,
    configFile,
    defaults,
    model,
    budgets,
    memoryUrl,
    memoryPoolSize,
    mcp,
    limits,
    audit,
    queryBudget,
    policy,
    policySource,
    workers,
    tracing,
    api,
    numberFormat,
    ignoredEnv: envReading.ignored,
  });
}

/**
 * mcp.json is read when it exists (or SLEUTH_MCP_CONFIG names it). Its problems, and those of the servers that
 * configured connections use, stop Sleuth at start; a broken entry no connection uses does not.
 */
function readMcpConfig(
  values: Map<string, string>,
  options: LoadConfigOptions,
  connections: readonly ConnectionConfig[],
  problems: string[],
): McpServersConfig {
  const explicit = values.get('SLEUTH_MCP_CONFIG');
  const mcp = readMcpServersFile({
    path: explicit ?? 'mcp.json',
    cwd: options.cwd,
    explicit: explicit !== undefined,
    env: options.env,
  });
  if (explicit !== undefined) problems.push(...mcp.problems);
  const reported = new Set<string>();
  for (const connection of connections) {
    const server = parseConnectionUrl(connection.url).mcp?.server;
    if (server === undefined) continue;
    const problem = mcpServerProblem(mcp, server);
    if (problem && !reported.has(problem)) {
      reported.add(problem);
      problems.push(`Connection "${connection.name}": ${problem}`);
    }
  }
  return mcp;
}

/** SLEUTH_POLICY_FILE (YAML or JSON holding the policy object) wins over the config file's `policy` key. */
function readPolicy(
  values: Map<string, string>,
  file: ConfigFile,
  configFile: string | undefined,
  options: LoadConfigOptions,
  problems: string[],
): { policy: AccessPolicy | undefined; policySource: string | undefined } {
  const explicit = values.get('SLEUTH_POLICY_FILE');
  if (explicit === undefined) {
    return file.policy
      ? { policy: file.policy, policySource: configFile }
      : { policy: undefined, policySource: undefined };
  }
  const path = isAbsolute(explicit) ? explicit : resolve(options.cwd, explicit);
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    problems.push(`SLEUTH_POLICY_FILE ${path} could not be read: ${(error as Error).message}`);
    return { policy: undefined, policySource: path };
  }
  const substituted = substituteEnv(raw ?? {}, options.env, path, problems);
  const parsed = accessPolicySchema.safeParse(substituted);
  if (parsed.success) return { policy: parsed.data, policySource: path };
  for (const issue of parsed.error.issues) {
    const where = issue.path.length > 0 ? `policy.${issue.path.join('.')}` : 'policy (top level)';
    problems.push(`${path}: ${where}: ${issue.message}`);
  }
  return { policy: undefined, policySource: path };
}

function readKnowledgeConfig(values: Map<string, string>, cwd: string, problems: string[]): KnowledgeConfig {
  let faqThreshold = 0.7;
  const rawThreshold = values.get('SLEUTH_FAQ_THRESHOLD');
  if (rawThreshold !== undefined) {
    const parsed = Number(rawThreshold);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      problems.push(`SLEUTH_FAQ_THRESHOLD must be a number between 0 and 1 (got "${rawThreshold}").`);
    } else faqThreshold = parsed;
  }
  const qdrantUrl = values.get('QDRANT_URL');
  if (qdrantUrl !== undefined && !/^https?:\/\//.test(qdrantUrl))
    problems.push('QDRANT_URL must be an http:// or https:// URL.');
  const embeddingsDir = values.get('SLEUTH_EMBEDDINGS_DIR');
  return {
    dir: knowledgeDir(values.get('SLEUTH_KNOWLEDGE_DIR'), cwd),
    faqThreshold,
    qdrantUrl,
    qdrantApiKey: values.get('QDRANT_API_KEY'),
    embeddingsDir: embeddingsDir ? resolve(cwd, embeddingsDir) : undefined,
    embeddingsModel: values.get('SLEUTH_EMBEDDINGS_MODEL') ?? 'Xenova/bge-small-en-v1.5',
  };
}

/**
 * SLEUTH_KNOWLEDGE_DIR, else ./knowledge when it exists, else the starter knowledge shipped with Sleuth (it targets
 * the demo database, so `sleuth demo` answers from verified queries anywhere).
 */
function knowledgeDir(explicit: string | undefined, cwd: string): string {
  if (explicit !== undefined) return resolve(cwd, explicit);
  const local = resolve(cwd, 'knowledge');
  if (existsSync(local)) return local;
  return resolve(import.meta.dirname, '..', '..', 'knowledge');
}

function findConfigFile(cwd: string, explicit: string | undefined, problems: string[]): string | undefined {
  if (explicit !== undefined) {
    const path = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (!existsSync(path)) problems.push(`SLEUTH_CONFIG points to ${path}, which does not exist.`);
    return existsSync(path) ? path : undefined;
  }
  const found = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).filter((path) => existsSync(path));
  if (found.length > 1) problems.push(`Several config files found (${found.join(', ')}); keep one.`);
  return found[0];
}

function readConfigFile(path: string, env: LoadConfigOptions['env'], problems: string[]): ConfigFile {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    problems.push(`${path} could not be read: ${(error as Error).message}`);
    return {};
  }
  const substituted = substituteEnv(raw ?? {}, env, path, problems);
  const parsed = configFileSchema.safeParse(substituted);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    problems.push(`${path}: ${where}: ${issue.message}${keySuggestions(issue)}`);
  }
  return {};
}

/** " (did you mean maxRows?)" for an unknown key close to a known one at the same place in the file. */
function keySuggestions(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return '';
  const known = knownKeysAt(configFileSchema, issue.path);
  const hints = issue.keys.flatMap((key) => {
    const best = closest(key, known, Math.min(4, Math.max(2, Math.ceil(key.length / 2))));
    return best ? [`${key} -> ${best}`] : [];
  });
  if (hints.length === 0) return '';
  if (issue.keys.length === 1) return ` (did you mean ${hints[0]!.split(' -> ')[1]}?)`;
  return ` (did you mean ${hints.join(', ')}?)`;
}

/** `${VAR}` in any string value of the file is replaced by the environment variable (secrets stay out of files). */
function substituteEnv(value: unknown, env: LoadConfigOptions['env'], path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) problems.push(`${path} uses \${${name}}, but ${name} is not set.`);
      return replacement ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => substituteEnv(v, env, path, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path, problems)]));
  }
  return value;
}

function buildConnections(
  drafts: Map<string, Partial<ConnectionConfigDraft>>,
  defaults: { timeoutMs: number; maxRows: number },
  problems: string[],
): ConnectionConfig[] {
  const connections: ConnectionConfig[] = [];
  for (const [name, draft] of drafts) {
    if (!draft.url) {
      problems.push(
        `Connection "${name}" has no URL (set SLEUTH_DB_${name.toUpperCase()}_URL or connections.${name}.url).`,
      );
      continue;
    }
    try {
      const { dialect } = parseConnectionUrl(draft.url);
      connections.push({
        name,
        url: draft.url,
        dialect,
        timeoutMs: draft.timeoutMs ?? defaults.timeoutMs,
        maxRows: draft.maxRows ?? defaults.maxRows,
        ...(draft.allowFunctions ? { allowFunctions: [...draft.allowFunctions] } : {}),
      });
    } catch (error) {
      problems.push(redactSecrets(`Connection "${name}": ${(error as Error).message}`));
    }
  }
  return connections;
}

function readEnvInteger(values: Map<string, string>, key: string, problems: string[]): number | undefined {
  const raw = values.get(key);
  if (raw === undefined) return undefined;
  const value = parseInteger(raw);
  if (value === undefined || value < 1)
    problems.push(`${key} must be a positive whole number, got "${raw.slice(0, 40)}".`);
  return value;
}

function readLogLevel(raw: string | undefined, problems: string[]): LogLevel {
  if (raw === undefined) return 'warn';
  const parsed = logLevelSchema.safeParse(raw);
  if (!parsed.success)
    problems.push(`SLEUTH_LOG_LEVEL must be one of ${logLevelSchema.options.join(', ')}, got "${raw}".`);
  return parsed.success ? parsed.data : 'warn';
}

function readNumberFormat(locale: string | undefined, currency: string | undefined, problems: string[]): NumberFormat {
  const format = { ...DEFAULT_NUMBER_FORMAT };
  if (locale !== undefined) {
    let supported: string[] = [];
    try {
      supported = Intl.NumberFormat.supportedLocalesOf(locale);
    } catch {
      supported = [];
    }
    if (supported.length === 0)
      problems.push(`SLEUTH_LOCALE (locale) must be a locale such as en-US or de-DE, got "${locale.slice(0, 40)}".`);
    else format.locale = locale;
  }
  if (currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(currency))
      problems.push(
        `SLEUTH_CURRENCY (currency) must be an ISO 4217 code such as USD or EUR, got "${currency.slice(0, 40)}".`,
      );
    else format.currency = currency;
  }
  return format;
}

function readNow(raw: string | undefined, problems: string[]): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T12:00:00Z` : raw);
  if (Number.isNaN(date.getTime())) {
    problems.push(`SLEUTH_NOW must be an ISO date such as 2026-11-15 or 2026-11-15T12:00:00Z, got "${raw}".`);
    return undefined;
  }
  return date;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

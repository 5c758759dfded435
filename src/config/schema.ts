import { z } from 'zod';
import { guardrailFileSchema, queryBudgetSchema } from './guardrails.js';
import { connectionNameSchema } from './names.js';
import { accessPolicySchema } from './policy.js';

/**
 * The configuration file's shape. Every object is strict: an unknown key is an error, so a misspelled safety
 * setting (say `maxRow`) is reported instead of silently ignored.
 */

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ROWS = 10_000;

export { connectionNameSchema } from './names.js';

export const connectionFileSchema = z.strictObject({
  url: z.string().min(1, 'url must not be empty'),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  maxRows: z.number().int().min(1).max(1_000_000).optional(),
  description: z.string().max(500).optional(),
  /** The query cost budget for this connection (PostgreSQL, MariaDB), or false to switch it off here. */
  queryBudget: z.union([z.literal(false), queryBudgetSchema]).optional(),
  /**
   * Functions the guard allows here on top of its built-in allow-list (`name` or `schema.name`): the connection's
   * reviewed user-defined functions. Each one can read whatever its owner can, past the access policy.
   */
  allowFunctions: z
    .array(z.string().regex(/^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/, 'a function name or schema.name'))
    .max(200)
    .optional(),
});

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configFileSchema = z.strictObject({
  connections: z.record(connectionNameSchema, connectionFileSchema).optional(),
  defaultConnection: connectionNameSchema.optional(),
  defaults: z
    .strictObject({
      timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
      maxRows: z.number().int().min(1).max(1_000_000).optional(),
    })
    .optional(),
  dataDir: z.string().min(1).optional(),
  model: z
    .strictObject({
      provider: z.enum(['anthropic', 'openai-compatible', 'scripted']).optional(),
      name: z.string().min(1).optional(),
      baseUrl: z.string().url().optional(),
      apiKey: z.string().min(1).optional(),
      scriptPath: z.string().min(1).optional(),
      timeoutMs: z.number().int().min(1000).max(600_000).optional(),
      maxAttempts: z.number().int().min(1).max(10).optional(),
    })
    .optional(),
  budgets: z
    .strictObject({
      maxSteps: z.number().int().min(1).max(100).optional(),
      maxSqlRuns: z.number().int().min(1).max(500).optional(),
      maxWallMs: z.number().int().min(1000).max(3_600_000).optional(),
      maxTokens: z.number().int().min(1000).optional(),
      maxCostUsd: z.number().min(0).optional(),
    })
    .optional(),
  memory: z
    .strictObject({ url: z.string().min(1).optional(), poolSize: z.number().int().min(1).max(200).optional() })
    .optional(),
  /** Personal data: what the model sees of query results (people always get masked values). */
  pii: z.strictObject({ modelView: z.enum(['masked', 'raw']).optional() }).optional(),
  workers: z.strictObject({ concurrency: z.number().int().min(1).max(256).optional() }).optional(),
  tracing: z
    .strictObject({
      endpoint: z.string().url().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      serviceName: z.string().min(1).optional(),
    })
    .optional(),
  logLevel: logLevelSchema.optional(),
  now: z.string().optional(),
  /** How numbers are written for readers (Slack answers): locale and the currency of money columns. */
  locale: z.string().min(2).max(35).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency is an ISO 4217 code such as USD or EUR')
    .optional(),
  ...guardrailFileSchema,
  /** Who may use which connections, hidden tables, denied and masked columns (see policy.ts and docs/security.md, "Permissions"). */
  policy: accessPolicySchema.optional(),
  /** Static credentials for the HTTP API (API keys themselves live in memory: sleuth api-key create). */
  api: z
    .strictObject({
      tokens: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            token: z.string().min(1),
            /** member (default) or admin; see ActorRole. */
            role: z.enum(['member', 'admin']).optional(),
          }),
        )
        .optional(),
      metricsToken: z.string().min(1).optional(),
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

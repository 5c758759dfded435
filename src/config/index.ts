export type { ModelConfig, ModelProviderName } from './agent.js';
export type { ApiConfig } from './api.js';
export { FOREIGN_ENV_VARS, KNOWN_ENV_VARS } from './env.js';
export {
  type AuditConfig,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_LIMITS,
  type LimitsConfig,
  type QueryBudgetConfig,
  queryBudgetFor,
} from './guardrails.js';
export {
  DEMO_CONNECTION_NAME,
  type KnowledgeConfig,
  type LoadConfigOptions,
  type LogLevel,
  loadConfig,
  type SleuthConfig,
} from './load.js';
export { connectionNameSchema } from './names.js';
export type { TracingConfig, WorkersConfig } from './operations.js';
export { defaultMemoryPoolSize } from './operations.js';
export type { PiiConfig } from './pii.js';
export {
  type AccessPolicy,
  type AccessRule,
  accessPolicySchema,
  type ConnectionDataPolicy,
} from './policy.js';
export { DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS } from './schema.js';
export { configuredSecrets } from './secrets.js';

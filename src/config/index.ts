export type { ModelConfig, ModelProviderName } from './agent.js';
export type { ApiConfig } from './api.js';
export { FOREIGN_ENV_VARS, KNOWN_ENV_VARS } from './env.js';
export {
  DEMO_CONNECTION_NAME,
  type KnowledgeConfig,
  type LoadConfigOptions,
  type LogLevel,
  loadConfig,
  type SleuthConfig,
} from './load.js';
export { connectionNameSchema, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS } from './schema.js';

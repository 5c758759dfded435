export { finalAnswerSchema } from './answer-schema.js';
export { DEFAULT_BUDGETS, type InvestigationBudgets } from './budget.js';
export { createLimiter, type Limiter } from './channel.js';
export { type CircuitBreaker, type CircuitState, createCircuitBreaker } from './circuit-breaker.js';
export type * from './events.js';
export {
  type InvestigateDeps,
  type InvestigateRequest,
  type InvestigationOutcome,
  type InvestigationTarget,
  investigate,
} from './investigate.js';
export {
  type Cassette,
  type CassetteEntry,
  createRecordingProvider,
  createReplayProvider,
  emptyCassette,
  explainMiss,
  parseCassette,
  requestKey,
} from './models/cassette.js';
export { loadScript, parseScript, type ScriptTurn } from './models/script.js';
export { createScriptedProvider } from './models/scripted.js';
export type { ModelProvider, ModelRequest, ModelResponse } from './models/types.js';
export { PROMPT_VERSION, promptTemplate, type SystemPromptTemplate } from './prompts/index.js';
export type { InvestigationStatus, InvestigationStore } from './store.js';
export { createInvestigationTarget, isDatabaseOutage, type QueryCache, type TargetOptions } from './target.js';
export { NO_KNOWLEDGE } from './tools/index.js';

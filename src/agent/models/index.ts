export { createAnthropicProvider, DEFAULT_ANTHROPIC_MODEL, estimateCostUsd } from './anthropic.js';
export { createModelProvider, MODEL_SETUP_HELP } from './from-config.js';
export { createOpenAiCompatibleProvider } from './openai-compatible.js';
export { loadScript, parseScript, type ScriptTurn } from './script.js';
export { createScriptedProvider } from './scripted.js';
export type * from './types.js';

import { UserError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ModelConfig } from '../../config/agent.js';
import { createAnthropicProvider } from './anthropic.js';
import { createOpenAiCompatibleProvider } from './openai-compatible.js';
import { loadScript } from './script.js';
import { createScriptedProvider } from './scripted.js';
import type { ModelProvider } from './types.js';

export const MODEL_SETUP_HELP = `No model is configured, so Sleuth cannot investigate questions yet. Set ANTHROPIC_API_KEY (and optionally \
SLEUTH_MODEL) to use Claude, or SLEUTH_LLM_BASE_URL and SLEUTH_MODEL for an OpenAI-compatible server such as Ollama \
(http://localhost:11434/v1), vLLM or llama.cpp; SLEUTH_LLM_PROVIDER=scripted with SLEUTH_SCRIPT=turns.yaml replays \
scripted turns. Without a model, \`sleuth sql\`, \`sleuth schema\`, \`sleuth check-sql\` and the demo data all work.`;

/** Builds the configured model provider; throws MODEL_NOT_CONFIGURED with setup help when there is none. */
export function createModelProvider(config: ModelConfig | undefined, logger: Logger): ModelProvider {
  if (!config) throw new UserError('MODEL_NOT_CONFIGURED', MODEL_SETUP_HELP);
  switch (config.provider) {
    case 'anthropic':
      return createAnthropicProvider({
        apiKey: config.apiKey ?? '',
        baseUrl: config.baseUrl,
        model: config.model,
        timeoutMs: config.timeoutMs,
        maxAttempts: config.maxAttempts,
        logger,
      });
    case 'openai-compatible':
      return createOpenAiCompatibleProvider({
        baseUrl: config.baseUrl ?? '',
        apiKey: config.apiKey,
        model: config.model ?? '',
        timeoutMs: config.timeoutMs,
        maxAttempts: config.maxAttempts,
        logger,
      });
    case 'scripted':
      return createScriptedProvider(loadScript(config.scriptPath ?? ''), { model: config.model });
  }
}

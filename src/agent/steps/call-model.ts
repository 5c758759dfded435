import { isSleuthError } from '../../common/errors.js';
import { NOOP_TRACER } from '../../telemetry/index.js';
import type { ModelMessage, ModelResponse } from '../models/types.js';
import type { LoopInput } from './loop.js';
import { toolSpecs } from './run-tools.js';

/**
 * One model turn, bounded by the time left in the wall-time budget and cancellable by the user. Returns
 * 'wall_time' when the budget's timer, not the user, stopped it.
 */
export async function callModel(
  input: LoopInput,
  messages: ModelMessage[],
  remainingMs: number,
  maxTokens: number,
): Promise<ModelResponse | 'wall_time'> {
  if (remainingMs <= 0) return 'wall_time';
  const budgetTimer = new AbortController();
  const timer = setTimeout(() => budgetTimer.abort(), remainingMs);
  const signal = input.signal ? AbortSignal.any([input.signal, budgetTimer.signal]) : budgetTimer.signal;
  const { model } = input.deps;
  const tracer = input.deps.tracer ?? NOOP_TRACER;
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': model.id,
    'gen_ai.request.model': model.model,
    'gen_ai.request.max_tokens': maxTokens,
  };
  const call = () =>
    tracer.span('sleuth.model_call', attributes, async (span) => {
      const response = await model.complete({ system: input.system, messages, tools: toolSpecs(), maxTokens, signal });
      span.setAttributes({
        'gen_ai.response.model': response.model,
        'gen_ai.response.finish_reasons': [response.stopReason],
        'gen_ai.usage.input_tokens': response.usage.inputTokens,
        'gen_ai.usage.output_tokens': response.usage.outputTokens,
        'sleuth.usage.cache_read_tokens': response.usage.cacheReadTokens,
        'sleuth.usage.cache_write_tokens': response.usage.cacheWriteTokens,
        'sleuth.cost_usd': response.costUsd,
      });
      return response;
    });
  try {
    const breaker = input.deps.modelBreaker;
    return await (breaker ? breaker.run(call, isModelOutage) : call());
  } catch (error) {
    if (budgetTimer.signal.aborted && !input.signal?.aborted) return 'wall_time';
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function isModelOutage(error: unknown): boolean {
  return isSleuthError(error) && ['MODEL_UNAVAILABLE', 'MODEL_TIMEOUT', 'MODEL_RATE_LIMITED'].includes(error.code);
}

import { isSleuthError } from '../../common/errors.js';
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
  const call = () =>
    input.deps.model.complete({ system: input.system, messages, tools: toolSpecs(), maxTokens, signal });
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

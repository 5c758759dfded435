import { UserError } from '../../common/errors.js';
import { defaultSleep } from './retry.js';
import type { ScriptTurn } from './script.js';
import type { ModelContent, ModelProvider, ModelRequest, ModelResponse } from './types.js';

/**
 * A deterministic model for tests, evals and benchmarks: answers call N with turn N of the script. Runs in-process
 * (no HTTP); the protocol peers in test/peers replay the same scripts through the real SDKs. Fault and delay turns
 * are honoured too (a fault throws the matching model error), so engine behaviour can be exercised without a server.
 */
export function createScriptedProvider(turns: readonly ScriptTurn[], options: { model?: string } = {}): ModelProvider {
  let next = 0;
  return {
    id: 'scripted',
    model: options.model ?? 'scripted',
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const turn = turns[next];
      if (!turn) {
        throw new UserError('MODEL_ERROR', `The model script has no turn ${next + 1} (it has ${turns.length}).`);
      }
      next++;
      if (turn.delay_ms) await defaultSleep(turn.delay_ms, request.signal);
      if (turn.fault) {
        const code =
          turn.fault.status === 429
            ? 'MODEL_RATE_LIMITED'
            : turn.fault.status >= 500
              ? 'MODEL_UNAVAILABLE'
              : 'MODEL_ERROR';
        throw new UserError(code, turn.fault.message ?? `scripted fault ${turn.fault.status}`);
      }
      const content: ModelContent[] = [];
      if (turn.text) {
        request.onTextDelta?.(turn.text);
        content.push({ type: 'text', text: turn.text });
      }
      (turn.tool_calls ?? []).forEach((call, index) => {
        content.push({
          type: 'tool_use',
          id: call.id ?? `call_${next}_${index + 1}`,
          name: call.name,
          input: call.input,
        });
      });
      return {
        content,
        stopReason: turn.stop_reason ?? (turn.tool_calls?.length ? 'tool_use' : 'end_turn'),
        usage: {
          inputTokens: turn.usage?.input_tokens ?? 0,
          outputTokens: turn.usage?.output_tokens ?? 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
        model: options.model ?? 'scripted',
        costUsd: 0,
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

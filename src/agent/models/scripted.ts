import { UserError } from '../../common/errors.js';
import { defaultSleep } from './retry.js';
import type { ScriptTurn } from './script.js';
import type { ModelContent, ModelProvider, ModelRequest, ModelResponse } from './types.js';

/**
 * A deterministic model for tests, evals and benchmarks. Every conversation replays the script from its start: the
 * turn for a request is found from how many assistant turns the conversation already holds, so concurrent
 * investigations (the HTTP API, benchmarks) each get the whole script. A fault turn throws the matching model error
 * once per conversation (a retry of the same request gets the next turn); conversations are told apart by their first
 * message. Runs in-process (no HTTP); the protocol peers in test/peers replay the same scripts through the real SDKs.
 */
export function createScriptedProvider(turns: readonly ScriptTurn[], options: { model?: string } = {}): ModelProvider {
  const faultsServed = new Map<string, number>();
  return {
    id: 'scripted',
    model: options.model ?? 'scripted',
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const conversation = JSON.stringify(request.messages[0]?.content ?? '');
      const faults = faultsServed.get(conversation) ?? 0;
      const index = request.messages.filter((m) => m.role === 'assistant').length + faults;
      const turn = turns[index];
      if (!turn) {
        throw new UserError('MODEL_ERROR', `The model script has no turn ${index + 1} (it has ${turns.length}).`);
      }
      const next = index + 1;
      if (turn.delay_ms) await defaultSleep(turn.delay_ms, request.signal);
      if (turn.fault) {
        faultsServed.set(conversation, faults + 1);
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

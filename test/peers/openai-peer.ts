/** A local OpenAI-compatible chat completions API (POST /v1/chat/completions) replaying scripted turns. */
import type { ScriptTurn } from '../../src/agent/models/script.js';
import { type ScriptPeer, startScriptServer } from './script-server.js';

export function startOpenAiPeer(turns: readonly ScriptTurn[]): Promise<ScriptPeer> {
  return startScriptServer('/v1/chat/completions', turns, {
    authorize: () => undefined,
    fault(res, turn) {
      const fault = turn.fault!;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retry_after_seconds !== undefined) headers['retry-after'] = String(fault.retry_after_seconds);
      res
        .writeHead(fault.status, headers)
        .end(JSON.stringify({ error: { message: fault.message ?? `scripted ${fault.status}` } }));
    },
    answer(res, turn, body, index) {
      const calls = (turn.tool_calls ?? []).map((call, i) => ({
        id: call.id ?? `call_${index + 1}_${i + 1}`,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.input) },
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${index + 1}`,
          object: 'chat.completion',
          model: body.model,
          choices: [
            {
              index: 0,
              finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
              message: {
                role: 'assistant',
                content: turn.text ?? null,
                ...(calls.length > 0 ? { tool_calls: calls } : {}),
              },
            },
          ],
          usage: { prompt_tokens: turn.usage?.input_tokens ?? 100, completion_tokens: turn.usage?.output_tokens ?? 20 },
        }),
      );
    },
  });
}

/**
 * A local OpenAI-compatible chat completions API (POST /v1/chat/completions) replaying scripted turns: non-streaming
 * completions with `tool_calls` (arguments as a JSON string), finish_reason and usage, plus faults and delays.
 */
import type { ScriptTurn } from '../../src/agent/models/script.js';
import { type ScriptPeer, startScriptServer } from './script-server.js';

export type { RecordedRequest, ScriptPeer } from './script-server.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'not_found_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_error',
};

export interface OpenAiPeerOptions {
  /** When set, requests must carry `authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** Raw `function.arguments` strings by tool-call id, to serve malformed JSON. */
  rawArguments?: Record<string, string>;
}

export function startOpenAiPeer(turns: readonly ScriptTurn[], options: OpenAiPeerOptions = {}): Promise<ScriptPeer> {
  let callIds = 0;
  return startScriptServer('/v1/chat/completions', turns, {
    authorize(req) {
      if (options.apiKey === undefined || req.headers.authorization === `Bearer ${options.apiKey}`) return undefined;
      return 'Incorrect API key provided.';
    },
    errorBody: (status, message, type) =>
      JSON.stringify({ error: { message, type: type ?? ERROR_TYPES[status] ?? 'server_error', code: null } }),
    answer(res, turn, body, index) {
      const calls = (turn.tool_calls ?? []).map((call) => {
        const id = call.id ?? `call_${++callIds}`;
        const args = options.rawArguments?.[id] ?? JSON.stringify(call.input);
        return { id, type: 'function', function: { name: call.name, arguments: args } };
      });
      const finish = turn.stop_reason === 'max_tokens' ? 'length' : calls.length > 0 ? 'tool_calls' : ('stop' as const);
      const prompt = turn.usage?.input_tokens ?? 100;
      const completion = turn.usage?.output_tokens ?? 20;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${index + 1}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            {
              index: 0,
              finish_reason: finish,
              message: {
                role: 'assistant',
                content: turn.text ?? null,
                ...(calls.length > 0 ? { tool_calls: calls } : {}),
              },
            },
          ],
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        }),
      );
    },
  });
}

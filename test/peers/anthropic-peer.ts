/**
 * A local Anthropic Messages API (POST /v1/messages) replaying scripted turns, faithful enough for the real SDK:
 * JSON or SSE streaming responses with text and tool_use blocks, usage (with simulated prompt caching), and
 * injected errors (429/500/529...) and delays.
 *
 * Prompt caching is simulated: when the system prompt or a tool carries `cache_control`, the first request with a
 * given tools+system prefix reports it as `cache_creation_input_tokens` and later ones as `cache_read_input_tokens`
 * (about 4 characters a token; the real API's 1024-token minimum is not modelled).
 */
import type { ServerResponse } from 'node:http';
import type { ScriptTurn } from '../../src/agent/models/script.js';
import {
  chunks,
  pause,
  type RecordedRequest,
  type ScriptPeer,
  type ScriptTurns,
  startScriptServer,
} from './script-server.js';

export type { RecordedRequest, ScriptPeer, ScriptTurns } from './script-server.js';

export interface AnthropicPeerOptions {
  /**
   * 0-based turn indices whose `delay_ms`/`fault` happen after a streamed response has started (a stall after the
   * first text delta, or an SSE `error` event) instead of before the headers. Streaming requests only.
   */
  midStream?: readonly number[];
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

function errorBody(status: number, message: string, type?: string): string {
  return JSON.stringify({ type: 'error', error: { type: type ?? ERROR_TYPES[status] ?? 'api_error', message } });
}

export function startAnthropicPeer(turns: ScriptTurns, options: AnthropicPeerOptions = {}): Promise<ScriptPeer> {
  let toolIds = 0;
  const cachedPrefixes = new Set<string>();
  const midStream = new Set(options.midStream ?? []);

  const usage = (turn: ScriptTurn, body: RecordedRequest['body']): Usage => {
    let write = 0;
    let read = 0;
    const cached = [...(body.tools ?? []), ...(Array.isArray(body.system) ? body.system : [])].some(
      (item: { cache_control?: unknown }) => item?.cache_control,
    );
    if (cached) {
      const prefix = JSON.stringify({ tools: body.tools ?? [], system: body.system });
      const tokens = Math.ceil(prefix.length / 4);
      if (cachedPrefixes.has(prefix)) read = tokens;
      else write = tokens;
      cachedPrefixes.add(prefix);
    }
    return {
      input_tokens: turn.usage?.input_tokens ?? 100,
      output_tokens: turn.usage?.output_tokens ?? 20,
      cache_creation_input_tokens: write,
      cache_read_input_tokens: read,
    };
  };

  return startScriptServer('/v1/messages', turns, {
    authorize(req) {
      if (!req.headers['x-api-key'] && !req.headers.authorization) return 'x-api-key header is required';
      if (!req.headers['anthropic-version']) return 'anthropic-version header is required';
      return undefined;
    },
    errorBody,
    errorHeaders: { 'request-id': 'req_error' },
    inStream: (_turn, body, index) => body.stream === true && midStream.has(index),
    async answer(res, turn, body, index) {
      const content: Block[] = [];
      if (turn.text) content.push({ type: 'text', text: turn.text });
      for (const call of turn.tool_calls ?? []) {
        content.push({ type: 'tool_use', id: call.id ?? `toolu_${++toolIds}`, name: call.name, input: call.input });
      }
      const stop = turn.stop_reason ?? (turn.tool_calls?.length ? 'tool_use' : 'end_turn');
      const message = {
        id: `msg_${index + 1}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: usage(turn, body),
      };
      if (body.stream === true) {
        await stream(res, message, turn, midStream.has(index));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${index + 1}` })
        .end(JSON.stringify(message));
    },
  });
}

async function stream(
  res: ServerResponse,
  message: { id: string; content: Block[]; stop_reason: string; usage: Usage },
  turn: ScriptTurn,
  midStream: boolean,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': message.id });
  const send = (event: string, data: Record<string, unknown>) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  send('ping', {});
  let stalled = false;
  const interrupt = async (): Promise<boolean> => {
    if (!midStream || stalled) return true;
    stalled = true;
    if (turn.delay_ms && !(await pause(res, turn.delay_ms))) return false;
    if (turn.fault) {
      const { status, type, message: text } = turn.fault;
      send('error', {
        error: { type: type ?? ERROR_TYPES[status] ?? 'api_error', message: text ?? `scripted ${status}` },
      });
      res.end();
      return false;
    }
    return true;
  };
  for (const [index, block] of message.content.entries()) {
    const start = block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} };
    send('content_block_start', { index, content_block: start });
    const parts = block.type === 'text' ? chunks(block.text) : chunks(JSON.stringify(block.input));
    for (const part of parts) {
      const delta =
        block.type === 'text' ? { type: 'text_delta', text: part } : { type: 'input_json_delta', partial_json: part };
      send('content_block_delta', { index, delta });
      if (!(await interrupt())) return;
    }
    send('content_block_stop', { index });
  }
  if (!(await interrupt())) return;
  send('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: message.usage,
  });
  send('message_stop', {});
  res.end();
}

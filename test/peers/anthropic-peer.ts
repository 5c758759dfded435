/**
 * A local Anthropic Messages API (POST /v1/messages) replaying scripted turns, for driving the real SDK: JSON or
 * SSE streaming responses with text and tool_use blocks, usage, and injected errors (429/500/529...) and delays.
 */
import type { ServerResponse } from 'node:http';
import type { ScriptTurn } from '../../src/agent/models/script.js';
import { chunks, type ScriptPeer, startScriptServer } from './script-server.js';

export type { RecordedRequest } from './script-server.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function blocks(turn: ScriptTurn, index: number) {
  const content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown })[] =
    [];
  if (turn.text) content.push({ type: 'text', text: turn.text });
  (turn.tool_calls ?? []).forEach((call, i) => {
    content.push({
      type: 'tool_use',
      id: call.id ?? `toolu_${index + 1}_${i + 1}`,
      name: call.name,
      input: call.input,
    });
  });
  return content;
}

function usage(turn: ScriptTurn) {
  return {
    input_tokens: turn.usage?.input_tokens ?? 100,
    output_tokens: turn.usage?.output_tokens ?? 20,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

export function startAnthropicPeer(turns: readonly ScriptTurn[]): Promise<ScriptPeer> {
  return startScriptServer('/v1/messages', turns, {
    authorize(req) {
      if ((req.headers['x-api-key'] || req.headers.authorization) && req.headers['anthropic-version']) return undefined;
      return JSON.stringify({
        type: 'error',
        error: { type: 'authentication_error', message: 'missing x-api-key or authorization' },
      });
    },
    fault(res, turn) {
      const fault = turn.fault!;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': 'req_fault' };
      if (fault.retry_after_seconds !== undefined) headers['retry-after'] = String(fault.retry_after_seconds);
      res.writeHead(fault.status, headers).end(
        JSON.stringify({
          type: 'error',
          error: {
            type: fault.type ?? ERROR_TYPES[fault.status] ?? 'api_error',
            message: fault.message ?? `scripted ${fault.status}`,
          },
        }),
      );
    },
    answer(res, turn, body, index) {
      const content = blocks(turn, index);
      const stop = turn.stop_reason ?? (turn.tool_calls?.length ? 'tool_use' : 'end_turn');
      const message = {
        id: `msg_${index + 1}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: usage(turn),
      };
      if (!body.stream) {
        res
          .writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${index + 1}` })
          .end(JSON.stringify(message));
        return;
      }
      stream(res, message, content, stop, index);
    },
  });
}

function stream(
  res: ServerResponse,
  message: Record<string, unknown> & { usage: ReturnType<typeof usage> },
  content: ReturnType<typeof blocks>,
  stop: string,
  index: number,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': `req_${index + 1}`,
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  content.forEach((block, i) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } });
      for (const part of chunks(block.text)) {
        send('content_block_delta', {
          type: 'content_block_delta',
          index: i,
          delta: { type: 'text_delta', text: part },
        });
      }
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index: i,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const part of chunks(JSON.stringify(block.input))) {
        send('content_block_delta', {
          type: 'content_block_delta',
          index: i,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      }
    }
    send('content_block_stop', { type: 'content_block_stop', index: i });
  });
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

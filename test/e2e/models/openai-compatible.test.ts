/** The OpenAI-compatible provider: real fetch against the local chat completions peer. */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleProvider, type ScriptTurn } from '../../../src/agent/models/index.js';
import type { Logger } from '../../../src/common/logger.js';
import { type OpenAiPeerOptions, type ScriptPeer, startOpenAiPeer } from '../../peers/openai-peer.js';
import { capturingLogger, failure, QUESTION, recordingSleep, request, silent } from './harness.js';

// deliberately not shaped like a known token: only the literal-secret scrubbing can hide it
const API_KEY = 'local-gateway-key-Zq81xv';
const peers: ScriptPeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function setup(
  turns: ScriptTurn[],
  options: { timeoutMs?: number; maxAttempts?: number; logger?: Logger; url?: string } = {},
  peerOptions: OpenAiPeerOptions = { apiKey: API_KEY },
) {
  const peer = await startOpenAiPeer(turns, peerOptions);
  peers.push(peer);
  const { delays, sleep } = recordingSleep();
  const provider = createOpenAiCompatibleProvider({
    baseUrl: options.url ?? `${peer.url}/v1`,
    apiKey: API_KEY,
    model: 'llama3.1:8b',
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAttempts: options.maxAttempts ?? 4,
    logger: options.logger ?? silent,
    sleep,
    random: () => 0.5,
  });
  return { provider, peer, delays };
}

describe('openai-compatible provider against the local chat completions peer', () => {
  it('maps tools, tool calls and tool results to and from chat completions', async () => {
    const input = { sql: 'SELECT COUNT(*) FROM customers', limit: 10 };
    const { provider, peer } = await setup([
      { text: 'Checking.', tool_calls: [{ name: 'run_sql', input }], usage: { input_tokens: 900, output_tokens: 40 } },
      { text: 'There are 5,000 customers.' },
    ]);
    expect(provider).toMatchObject({ id: 'openai-compatible', model: 'llama3.1:8b' });
    const deltas: string[] = [];
    const first = await provider.complete(request({ onTextDelta: (delta) => deltas.push(delta) }));
    expect(first).toMatchObject({ stopReason: 'tool_use', model: 'llama3.1:8b', costUsd: 0 });
    expect(first.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_1', name: 'run_sql', input },
    ]);
    expect(first.usage).toEqual({ inputTokens: 900, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(deltas).toEqual(['Checking.']);

    const second = await provider.complete(
      request({
        messages: [
          QUESTION,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call_1', content: '[[5000]]' }] },
        ],
      }),
    );
    expect(second.stopReason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'There are 5,000 customers.' }]);

    const [one, two] = peer.requests;
    expect(one?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(one?.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 1024 });
    expect(one?.body.messages).toEqual([
      { role: 'system', content: 'You are Sleuth.' },
      { role: 'user', content: 'How many customers?' },
    ]);
    expect(one?.body.tools[1]).toEqual({
      type: 'function',
      function: {
        name: 'run_sql',
        description: 'Run one read-only SQL statement',
        parameters: { type: 'object', properties: { sql: { type: 'string' }, limit: { type: 'integer' } } },
      },
    });
    expect(two?.body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'run_sql', arguments: JSON.stringify(input) } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '[[5000]]' },
    ]);
  });

  it('passes malformed tool arguments on as { _raw } for the engine to report', async () => {
    const { provider } = await setup(
      [{ tool_calls: [{ name: 'run_sql', input: {}, id: 'call_x' }] }],
      {},
      {
        apiKey: API_KEY,
        rawArguments: { call_x: '{"sql": "SELECT 1' },
      },
    );
    const response = await provider.complete(request());
    expect(response.content).toEqual([
      { type: 'tool_use', id: 'call_x', name: 'run_sql', input: { _raw: '{"sql": "SELECT 1' } },
    ]);
  });

  it('maps finish_reason length to max_tokens', async () => {
    const { provider } = await setup([{ text: 'The answer is', stop_reason: 'max_tokens' }]);
    expect((await provider.complete(request())).stopReason).toBe('max_tokens');
  });

  it('retries a 429 after the Retry-After delay and succeeds on attempt 2', async () => {
    const { provider, peer, delays } = await setup([
      { fault: { status: 429, retry_after_seconds: 3 } },
      { text: 'ok' },
    ]);
    expect((await provider.complete(request())).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(peer.requests).toHaveLength(2);
    expect(delays).toEqual([3_000]);
  });

  it('retries 500, 503 and 529 with growing backoff and logs each retry', async () => {
    const { logger, lines } = capturingLogger();
    const { provider, peer, delays } = await setup(
      [{ fault: { status: 500 } }, { fault: { status: 503 } }, { fault: { status: 529 } }, { text: 'ok' }],
      { logger },
    );
    expect((await provider.complete(request())).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(peer.requests).toHaveLength(4);
    expect(delays).toEqual([375, 750, 1_500]);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { attempt: 1, status: 500, delayMs: 375 },
      { attempt: 2, status: 503, delayMs: 750 },
      { attempt: 3, status: 529, delayMs: 1_500 },
    ]);
  });

  it('gives up with MODEL_UNAVAILABLE after exactly maxAttempts 500s, without leaking the key', async () => {
    const { provider, peer } = await setup(
      Array.from({ length: 5 }, () => ({ fault: { status: 500, message: `gateway rejected ${API_KEY}` } })),
    );
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('gateway rejected');
    expect(`${error.message}\n${error.stack}`).not.toContain(API_KEY);
    expect(peer.requests).toHaveLength(4);
  });

  it('does not retry a 400 (MODEL_ERROR with the API message)', async () => {
    const { provider, peer } = await setup([
      { fault: { status: 400, message: 'tools[1]: bad schema' } },
      { text: 'x' },
    ]);
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toContain('tools[1]: bad schema');
    expect(peer.requests).toHaveLength(1);
  });

  it('does not retry a wrong key (401)', async () => {
    const { provider, delays } = await setup([{ text: 'unused' }], {}, { apiKey: 'another-key' });
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toContain('Incorrect API key');
    expect(error.message).not.toContain(API_KEY);
    expect(delays).toEqual([]);
  });

  it('retries a response slower than the timeout, then reports MODEL_TIMEOUT when all are slow', async () => {
    const slow = { delay_ms: 1_500, text: 'late' };
    const retried = await setup([slow, { text: 'on time' }], { timeoutMs: 150 });
    expect((await retried.provider.complete(request())).content).toEqual([{ type: 'text', text: 'on time' }]);
    expect(retried.peer.requests).toHaveLength(2);

    const exhausted = await setup([slow, slow], { timeoutMs: 150, maxAttempts: 2 });
    expect((await failure(exhausted.provider.complete(request()))).code).toBe('MODEL_TIMEOUT');
    expect(exhausted.peer.requests).toHaveLength(2);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const { provider, peer, delays } = await setup([{ delay_ms: 3_000, text: 'late' }, { text: 'unused' }]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = Date.now();
    const error = await provider.complete(request({ signal: abort.signal })).catch((e: unknown) => e);
    expect(error).toBe(abort.signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(peer.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries connection failures and then reports MODEL_UNAVAILABLE', async () => {
    const closed = await startOpenAiPeer([]);
    await closed.close();
    const { provider, delays } = await setup([], { url: `${closed.url}/v1`, maxAttempts: 3 });
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(delays).toHaveLength(2);
  });
});

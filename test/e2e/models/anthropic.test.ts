/** The Anthropic provider: the real SDK (streaming) against the local Messages API peer. */
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider, estimateCostUsd, type ScriptTurn } from '../../../src/agent/models/index.js';
import type { Logger } from '../../../src/common/logger.js';
import { type AnthropicPeerOptions, type ScriptPeer, startAnthropicPeer } from '../../peers/anthropic-peer.js';
import { capturingLogger, failure, QUESTION, recordingSleep, request, silent } from './harness.js';

const API_KEY = 'sk-ant-api03-secret-test-key-1234567890';
const peers: ScriptPeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function setup(
  turns: ScriptTurn[],
  options: { timeoutMs?: number; maxAttempts?: number; model?: string; logger?: Logger; url?: string } = {},
  peerOptions: AnthropicPeerOptions = {},
) {
  const peer = await startAnthropicPeer(turns, peerOptions);
  peers.push(peer);
  const { delays, sleep } = recordingSleep();
  const provider = createAnthropicProvider({
    apiKey: API_KEY,
    baseUrl: options.url ?? peer.url,
    model: options.model,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAttempts: options.maxAttempts ?? 4,
    logger: options.logger ?? silent,
    sleep,
    random: () => 0.5,
  });
  return { provider, peer, delays };
}

describe('anthropic provider against the local Messages API peer', () => {
  it('round-trips a tool call and its result through the streamed SDK', async () => {
    const input = { sql: 'SELECT COUNT(*) FROM customers WHERE "region" = \'EU\'', limit: 10 };
    const { provider, peer } = await setup([
      { text: 'Checking.', tool_calls: [{ name: 'run_sql', input }] },
      { text: 'There are 5,000 customers.' },
    ]);
    expect(provider).toMatchObject({ id: 'anthropic', model: 'claude-sonnet-4-6' });
    const first = await provider.complete(request());
    expect(first.stopReason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_1', name: 'run_sql', input },
    ]);
    const second = await provider.complete(
      request({
        messages: [
          QUESTION,
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: '[[5000]]', isError: true }],
          },
        ],
      }),
    );
    expect(second).toMatchObject({ stopReason: 'end_turn', model: 'claude-sonnet-4-6' });
    expect(second.content).toEqual([{ type: 'text', text: 'There are 5,000 customers.' }]);

    const [one, two] = peer.requests;
    // SDK 1.x sends the key as `authorization: Bearer`; older ones used x-api-key (the peer accepts both)
    const auth = one?.headers['x-api-key'] ?? String(one?.headers.authorization).replace(/^Bearer /, '');
    expect(auth).toBe(API_KEY);
    expect(one?.headers['anthropic-version']).toBeTruthy();
    expect(one?.body).toMatchObject({ model: 'claude-sonnet-4-6', max_tokens: 1024, stream: true });
    expect(two?.body.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'run_sql', input },
      ],
    });
    expect(two?.body.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '[[5000]]', is_error: true }],
    });
  });

  it('streams text deltas to onTextDelta in order', async () => {
    const text = 'Revenue grew 12% in March, driven by the EU region.';
    const { provider } = await setup([{ text }]);
    const deltas: string[] = [];
    const response = await provider.complete(request({ onTextDelta: (delta) => deltas.push(delta) }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(text);
    expect(response.content).toEqual([{ type: 'text', text }]);
  });

  it('marks the system prompt and the last tool for prompt caching', async () => {
    const { provider, peer } = await setup([{ text: 'hi' }]);
    await provider.complete(request());
    const body = peer.requests[0]?.body;
    expect(body.system).toEqual([{ type: 'text', text: 'You are Sleuth.', cache_control: { type: 'ephemeral' } }]);
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual(['list_tables', 'run_sql']);
    expect(body.tools[0].cache_control).toBeUndefined();
    expect(body.tools[1]).toMatchObject({ input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } });
  });

  it('maps usage, cache writes then reads, and estimates the cost by model family', async () => {
    const usage = { input_tokens: 2_000, output_tokens: 300 };
    const { provider } = await setup(
      [
        { text: 'a', usage },
        { text: 'b', usage },
      ],
      { model: 'claude-haiku-4-5' },
    );
    const first = await provider.complete(request());
    const second = await provider.complete(request());
    expect(first.usage).toMatchObject({ inputTokens: 2_000, outputTokens: 300, cacheReadTokens: 0 });
    const cached = first.usage.cacheWriteTokens;
    expect(cached).toBeGreaterThan(0);
    expect(second.usage).toEqual({
      inputTokens: 2_000,
      outputTokens: 300,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    });
    // haiku: $1 in / $5 out per MTok; cache writes 1.25x and reads 0.1x the input price
    expect(first.costUsd).toBeCloseTo((2_000 * 1 + 300 * 5 + cached * 1.25) / 1e6, 12);
    expect(second.costUsd).toBeCloseTo((2_000 * 1 + 300 * 5 + cached * 0.1) / 1e6, 12);
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('prices sonnet, opus and unknown models', () => {
    const million = { inputTokens: 1e6, outputTokens: 1e6, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(estimateCostUsd('claude-sonnet-4-5', million)).toBeCloseTo(18, 9);
    expect(estimateCostUsd('claude-opus-4-1', million)).toBeCloseTo(90, 9);
    expect(estimateCostUsd('claude-haiku-4-5', million)).toBeCloseTo(6, 9);
    expect(estimateCostUsd('some-new-model', million)).toBeCloseTo(18, 9);
  });

  it('retries a 429 after the Retry-After delay and succeeds on attempt 2', async () => {
    const { provider, peer, delays } = await setup([
      { fault: { status: 429, retry_after_seconds: 7, message: 'slow down' } },
      { text: 'ok' },
    ]);
    expect((await provider.complete(request())).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(peer.requests).toHaveLength(2);
    expect(delays).toEqual([7_000]);
  });

  it('retries 500 and 529 with growing, jittered backoff and logs each retry', async () => {
    const { logger, lines } = capturingLogger();
    const { provider, peer, delays } = await setup(
      [{ fault: { status: 500, message: `boom ${API_KEY}` } }, { fault: { status: 529 } }, { text: 'ok' }],
      { logger },
    );
    expect((await provider.complete(request())).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(peer.requests).toHaveLength(3);
    // base 500 ms doubling, equal jitter with random() = 0.5: 250 + 125, then 500 + 250
    expect(delays).toEqual([375, 750]);
    const logs = lines.map((line) => JSON.parse(line));
    expect(logs).toMatchObject([
      { level: 40, attempt: 1, delayMs: 375, status: 500 },
      { level: 40, attempt: 2, delayMs: 750, status: 529 },
    ]);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });

  it('gives up with MODEL_UNAVAILABLE after exactly maxAttempts 500s, without leaking the key', async () => {
    const { provider, peer, delays } = await setup(
      Array.from({ length: 5 }, () => ({ fault: { status: 500, message: `upstream broke for key ${API_KEY}` } })),
    );
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ code: 'MODEL_UNAVAILABLE', fault: 'upstream' });
    expect(error.message).toContain('after 4 attempts');
    expect(error.message).toContain('upstream broke');
    expect(`${error.message}\n${error.stack}`).not.toContain(API_KEY);
    expect(peer.requests).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('reports MODEL_RATE_LIMITED when every attempt is rate limited', async () => {
    const { provider, peer } = await setup(
      Array.from({ length: 2 }, () => ({ fault: { status: 429 } })),
      {
        maxAttempts: 2,
      },
    );
    expect((await failure(provider.complete(request()))).code).toBe('MODEL_RATE_LIMITED');
    expect(peer.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404])('does not retry a %i (MODEL_ERROR with the API message)', async (status) => {
    const { provider, peer, delays } = await setup([
      { fault: { status, message: `tools.1: bad schema ${API_KEY}` } },
      { text: 'unused' },
    ]);
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toContain('tools.1: bad schema');
    expect(error.message).not.toContain(API_KEY);
    expect(peer.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries a response slower than the per-attempt timeout', async () => {
    const { provider, peer } = await setup([{ delay_ms: 1_500, text: 'late' }, { text: 'on time' }], {
      timeoutMs: 200,
    });
    expect((await provider.complete(request())).content).toEqual([{ type: 'text', text: 'on time' }]);
    expect(peer.requests).toHaveLength(2);
  });

  it('reports MODEL_TIMEOUT when every attempt times out', async () => {
    const slow = { delay_ms: 1_500, text: 'late' };
    const { provider, peer } = await setup([slow, slow], { timeoutMs: 150, maxAttempts: 2 });
    expect((await failure(provider.complete(request()))).code).toBe('MODEL_TIMEOUT');
    expect(peer.requests).toHaveLength(2);
  });

  it('retries a stream that stalls or reports overloaded_error half-way', async () => {
    const { logger, lines } = capturingLogger();
    const { provider, peer } = await setup(
      [
        { delay_ms: 1_500, text: 'stalls after the first delta' },
        { fault: { status: 529 }, text: 'fails after the first delta' },
        { text: 'complete' },
      ],
      { timeoutMs: 200, logger },
      { midStream: [0, 1] },
    );
    const deltas: string[] = [];
    const response = await provider.complete(request({ onTextDelta: (delta) => deltas.push(delta) }));
    expect(response.content).toEqual([{ type: 'text', text: 'complete' }]);
    expect(peer.requests).toHaveLength(3);
    // the idle timer catches the stall; the SSE error event maps back to 529 by its type
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { attempt: 1, kind: 'timeout' },
      { attempt: 2, kind: 'http', status: 529 },
    ]);
    // deltas from abandoned attempts have already been delivered: live progress, not the answer
    expect(deltas).toEqual(['stalls aft', 'fails aft', 'com', 'ple', 'te']);
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

  it('sends nothing when the signal is already aborted', async () => {
    const { provider, peer } = await setup([{ text: 'unused' }]);
    const signal = AbortSignal.abort();
    await expect(provider.complete(request({ signal }))).rejects.toBe(signal.reason);
    expect(peer.requests).toHaveLength(0);
  });

  it('stops waiting out a backoff when the caller aborts', async () => {
    const peer = await startAnthropicPeer([{ fault: { status: 429, retry_after_seconds: 30 } }, { text: 'unused' }]);
    peers.push(peer);
    // the default (real, abortable) sleep
    const provider = createAnthropicProvider({ apiKey: API_KEY, baseUrl: peer.url, logger: silent });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    const started = Date.now();
    const error = await provider.complete(request({ signal: abort.signal })).catch((e: unknown) => e);
    expect(error).toBe(abort.signal.reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(peer.requests).toHaveLength(1);
  });

  it('answers 401 without credentials and 400 once the script is used up', async () => {
    const { peer } = await setup([]);
    const post = (headers: Record<string, string>) =>
      fetch(`${peer.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(request()) });
    const anonymous = await post({ 'anthropic-version': '2023-06-01' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const exhausted = await post({ 'anthropic-version': '2023-06-01', 'x-api-key': API_KEY });
    expect(exhausted.status).toBe(400);
    expect(await exhausted.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('retries connection failures and then reports MODEL_UNAVAILABLE', async () => {
    const closed = await startAnthropicPeer([]);
    await closed.close();
    const { provider, delays } = await setup([], { url: closed.url, maxAttempts: 3 });
    const error = await failure(provider.complete(request()));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).not.toContain(API_KEY);
    expect(delays).toHaveLength(2);
  });
});

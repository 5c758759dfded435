/** The real Anthropic SDK and our fetch-based OpenAI-compatible client against local protocol peers. */
import { describe, expect, it } from 'vitest';
import {
  createAnthropicProvider,
  createOpenAiCompatibleProvider,
  type ModelProvider,
  type ModelRequest,
  type ScriptTurn,
} from '../../../src/agent/models/index.js';
import { isSleuthError } from '../../../src/common/errors.js';
import { silentLogger } from '../../helpers/databases.js';
import { startAnthropicPeer } from '../../peers/anthropic-peer.js';
import { startOpenAiPeer } from '../../peers/openai-peer.js';
import type { ScriptPeer } from '../../peers/script-server.js';

const API_KEY = 'sk-ant-secret-test-key-123456';

type Harness = (
  turns: ScriptTurn[],
  timeoutMs?: number,
) => Promise<{ provider: ModelProvider; peer: ScriptPeer; delays: number[] }>;

const anthropic: Harness = async (turns, timeoutMs = 5_000) => {
  const peer = await startAnthropicPeer(turns);
  const delays: number[] = [];
  const provider = createAnthropicProvider({
    apiKey: API_KEY,
    baseUrl: peer.url,
    timeoutMs,
    maxAttempts: 4,
    logger: silentLogger,
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
  });
  return { provider, peer, delays };
};

const openai: Harness = async (turns, timeoutMs = 5_000) => {
  const peer = await startOpenAiPeer(turns);
  const delays: number[] = [];
  const provider = createOpenAiCompatibleProvider({
    baseUrl: `${peer.url}/v1`,
    apiKey: API_KEY,
    model: 'llama3.1',
    timeoutMs,
    maxAttempts: 4,
    logger: silentLogger,
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
  });
  return { provider, peer, delays };
};

const TOOLS = [
  { name: 'list_tables', description: 'List tables', inputSchema: { type: 'object', properties: {} } },
  { name: 'run_sql', description: 'Run SQL', inputSchema: { type: 'object', properties: { sql: { type: 'string' } } } },
];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    system: 'You are Sleuth.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'How many customers?' }] }],
    tools: TOOLS,
    maxTokens: 1024,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSleuthError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe.each([
  ['anthropic (real SDK, SSE)', anthropic],
  ['openai-compatible', openai],
])('%s provider against its local peer', (_name, harness) => {
  it('round-trips a tool call and its result, with usage', async () => {
    const { provider, peer } = await harness([
      {
        text: 'Checking.',
        tool_calls: [{ name: 'run_sql', input: { sql: 'SELECT COUNT(*) FROM customers' } }],
        usage: { input_tokens: 1000, output_tokens: 50 },
      },
      { text: 'There are 5,000 customers.' },
    ]);
    try {
      const deltas: string[] = [];
      const first = await provider.complete(request({ onTextDelta: (d) => deltas.push(d) }));
      expect(first.stopReason).toBe('tool_use');
      const call = first.content.find((c) => c.type === 'tool_use');
      expect(call).toMatchObject({ name: 'run_sql', input: { sql: 'SELECT COUNT(*) FROM customers' } });
      expect(deltas.join('')).toBe('Checking.');
      expect(first.usage).toMatchObject({ inputTokens: 1000, outputTokens: 50 });
      const second = await provider.complete(
        request({
          messages: [
            ...request().messages,
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: [
                { type: 'tool_result', toolUseId: call?.type === 'tool_use' ? call.id : '', content: '[[5000]]' },
              ],
            },
          ],
        }),
      );
      expect(second.stopReason).toBe('end_turn');
      expect(second.content).toEqual([{ type: 'text', text: 'There are 5,000 customers.' }]);
      expect(JSON.stringify(peer.requests[1]?.body)).toContain('[[5000]]');
      expect(JSON.stringify(peer.requests[1]?.body)).toContain(call?.type === 'tool_use' ? call.id : 'missing');
    } finally {
      await peer.close();
    }
  });

  it('retries 429 (honouring Retry-After), 500 and 529, then succeeds', async () => {
    const { provider, peer, delays } = await harness([
      { fault: { status: 429, retry_after_seconds: 2 } },
      { fault: { status: 500 } },
      { fault: { status: 529 } },
      { text: 'ok' },
    ]);
    try {
      const response = await provider.complete(request());
      expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(peer.requests).toHaveLength(4);
      expect(delays[0]).toBe(2000);
      expect(delays[1]).toBeGreaterThan(0);
      expect(delays[2]).toBeGreaterThan(delays[1]!);
    } finally {
      await peer.close();
    }
  });

  it('gives up after maxAttempts with MODEL_UNAVAILABLE, never leaking the key', async () => {
    const { provider, peer } = await harness(
      Array.from({ length: 4 }, () => ({ fault: { status: 500, message: `boom ${API_KEY}` } })),
    );
    try {
      const error = await failure(provider.complete(request()));
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).not.toContain(API_KEY);
      expect(peer.requests).toHaveLength(4);
    } finally {
      await peer.close();
    }
  });

  it('does not retry a 400', async () => {
    const { provider, peer } = await harness([
      { fault: { status: 400, message: 'bad tool schema' } },
      { text: 'unused' },
    ]);
    try {
      expect((await failure(provider.complete(request()))).code).toBe('MODEL_ERROR');
      expect(peer.requests).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });

  it('retries a response slower than the timeout', async () => {
    const { provider, peer } = await harness([{ delay_ms: 2_000, text: 'late' }, { text: 'on time' }], 300);
    try {
      const response = await provider.complete(request());
      expect(response.content).toEqual([{ type: 'text', text: 'on time' }]);
      expect(peer.requests).toHaveLength(2);
    } finally {
      await peer.close();
    }
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const { provider, peer } = await harness([{ delay_ms: 3_000, text: 'late' }, { text: 'unused' }]);
    try {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const started = Date.now();
      await expect(provider.complete(request({ signal: abort.signal }))).rejects.toBeDefined();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(peer.requests).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });
});

describe('anthropic request shape', () => {
  it('caches the system prompt and tool definitions and reports cost', async () => {
    const { provider, peer } = await anthropic([{ text: 'hi', usage: { input_tokens: 1_000_000, output_tokens: 0 } }]);
    try {
      const response = await provider.complete(request());
      const body = peer.requests[0]?.body;
      expect(body.stream).toBe(true);
      expect(body.system[0]).toMatchObject({
        type: 'text',
        text: 'You are Sleuth.',
        cache_control: { type: 'ephemeral' },
      });
      expect(body.tools.at(-1).cache_control).toEqual({ type: 'ephemeral' });
      expect(body.tools[0].cache_control).toBeUndefined();
      expect(response.costUsd).toBeCloseTo(3, 5);
    } finally {
      await peer.close();
    }
  });
});

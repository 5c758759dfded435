/**
 * Anthropic provider over the official SDK: streaming Messages API with native tool use, prompt caching of the
 * system prompt and tool definitions, our own retries (the SDK's are off so backoff and Retry-After are ours and
 * testable), and translation between Anthropic's blocks and the engine's ModelContent.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../../common/logger.js';
import { type AttemptFailure, retryOptionsFor, withRetries } from './retry.js';
import type { ModelContent, ModelProvider, ModelRequest, ModelResponse, ModelStopReason, ModelUsage } from './types.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  baseUrl?: string;
  model?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  logger: Logger;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';

/** USD per million tokens (input, output) by model family. */
const PRICES: [RegExp, number, number][] = [
  [/opus/i, 15, 75],
  [/haiku/i, 1, 5],
  [/sonnet/i, 3, 15],
];

export function estimateCostUsd(model: string, usage: ModelUsage): number {
  const [, input, output] = PRICES.find(([pattern]) => pattern.test(model)) ?? PRICES[2]!;
  const cost =
    usage.inputTokens * input +
    usage.outputTokens * output +
    usage.cacheReadTokens * input * 0.1 +
    usage.cacheWriteTokens * input * 1.25;
  return cost / 1_000_000;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 60_000,
  });
  return {
    id: 'anthropic',
    model,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const message = await withRetries(retryOptionsFor('anthropic', options, request.signal), async () => {
        try {
          const stream = client.messages.stream(toParams(model, request), { signal: request.signal });
          if (request.onTextDelta) stream.on('text', (delta) => request.onTextDelta?.(delta));
          return { ok: true as const, value: await stream.finalMessage() };
        } catch (error) {
          return { ok: false as const, failure: classify(error, request.signal), cause: error };
        }
      });
      const usage: ModelUsage = {
        inputTokens: message.usage.input_tokens ?? 0,
        outputTokens: message.usage.output_tokens ?? 0,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
      };
      return {
        content: fromBlocks(message.content),
        stopReason: stopReason(message.stop_reason),
        usage,
        model: message.model ?? model,
        costUsd: estimateCostUsd(message.model ?? model, usage),
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

function toParams(model: string, request: ModelRequest): Anthropic.MessageCreateParamsNonStreaming {
  const tools: Anthropic.Tool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
    ...(index === request.tools.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}),
  }));
  return {
    model,
    max_tokens: request.maxTokens,
    system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
    tools,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content.map(toBlock) })),
  };
}

function toBlock(block: ModelContent): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input as Record<string, unknown> };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: block.toolUseId,
        content: block.content,
        is_error: block.isError ?? false,
      };
  }
}

function fromBlocks(blocks: Anthropic.ContentBlock[]): ModelContent[] {
  const content: ModelContent[] = [];
  for (const block of blocks) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use')
      content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  return content;
}

function stopReason(reason: string | null): ModelStopReason {
  if (reason === 'end_turn' || reason === 'tool_use' || reason === 'max_tokens' || reason === 'stop_sequence')
    return reason;
  return reason === 'refusal' ? 'refusal' : 'other';
}

function classify(error: unknown, signal: AbortSignal | undefined): AttemptFailure {
  if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted', message: 'aborted' };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout', message: 'request timed out' };
  if (error instanceof Anthropic.APIConnectionError) return { kind: 'connection', message: error.message };
  if (error instanceof Anthropic.APIError) {
    const retryAfter = Number(error.headers?.get?.('retry-after'));
    return {
      kind: 'http',
      status: error.status,
      retryAfterSeconds: Number.isFinite(retryAfter) && error.headers?.get?.('retry-after') ? retryAfter : undefined,
      message: error.message,
    };
  }
  return { kind: 'connection', message: error instanceof Error ? error.message : String(error) };
}

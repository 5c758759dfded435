/**
 * Anthropic provider over the official SDK: streaming Messages API with native tool use, prompt caching of the
 * system prompt and tool definitions, our own retries (the SDK's are off so backoff and Retry-After are ours and
 * testable), and translation between Anthropic's blocks and the engine's ModelContent.
 */
import type Anthropic from '@anthropic-ai/sdk';
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
  const timeoutMs = options.timeoutMs ?? 60_000;
  // the SDK loads on the first call, not when the context is built (cold start of commands that never ask)
  let client: Promise<{ sdk: typeof Anthropic; client: Anthropic }> | undefined;
  const connect = () => {
    client ??= import('@anthropic-ai/sdk').then(({ default: sdk }) => ({
      sdk,
      client: new sdk({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: timeoutMs }),
    }));
    return client;
  };
  return {
    id: 'anthropic',
    model,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const params = toParams(model, request);
      const sdk = await connect();
      const message = await withRetries(retryOptionsFor('anthropic', options, request.signal), () =>
        streamOnce(sdk, params, request, timeoutMs),
      );
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
        model: message.model || model,
        costUsd: estimateCostUsd(message.model || model, usage),
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

type Attempt = { ok: true; value: Anthropic.Message } | { ok: false; failure: AttemptFailure; cause?: unknown };

/**
 * One streamed call. The SDK's `timeout` only covers the wait for response headers, so an idle timer (reset by
 * every stream event) also bounds a stream that stalls half-way; either counts as a per-attempt timeout.
 */
async function streamOnce(
  { sdk, client }: { sdk: typeof Anthropic; client: Anthropic },
  params: Anthropic.MessageCreateParamsNonStreaming,
  request: ModelRequest,
  timeoutMs: number,
): Promise<Attempt> {
  let idleTimedOut = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const stream = client.messages.stream(params, { signal: request.signal });
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idleTimedOut = true;
        stream.abort();
      }, timeoutMs);
    };
    arm();
    stream.on('streamEvent', arm);
    if (request.onTextDelta) stream.on('text', (delta) => request.onTextDelta?.(delta));
    return { ok: true, value: await stream.finalMessage() };
  } catch (error) {
    if (idleTimedOut && !request.signal?.aborted) {
      return { ok: false, failure: { kind: 'timeout', message: `no response within ${timeoutMs} ms` }, cause: error };
    }
    return { ok: false, failure: classify(sdk, error, request.signal), cause: error };
  } finally {
    clearTimeout(timer);
  }
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

const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function classify(
  Anthropic: typeof import('@anthropic-ai/sdk').default,
  error: unknown,
  signal: AbortSignal | undefined,
): AttemptFailure {
  if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return { kind: 'aborted', message: 'aborted' };
  if (error instanceof Anthropic.APIConnectionTimeoutError) return { kind: 'timeout', message: 'request timed out' };
  if (error instanceof Anthropic.APIConnectionError) return { kind: 'connection', message: error.message };
  if (error instanceof Anthropic.APIError) {
    // an SSE `error` event mid-stream has no status: take it from the error type (overloaded_error -> 529)
    const status = error.status ?? (error.type ? STATUS_BY_ERROR_TYPE[error.type] : undefined);
    const header = error.headers?.get('retry-after');
    const retryAfter = header ? Number(header) : Number.NaN;
    const detail = error.apiMessage ? `${error.type ?? 'error'}: ${error.apiMessage}` : error.message;
    return {
      kind: 'http',
      status,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
      message: status === undefined ? detail : `HTTP ${status} ${detail}`,
    };
  }
  return { kind: 'connection', message: error instanceof Error ? error.message : String(error) };
}

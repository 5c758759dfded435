/**
 * OpenAI-compatible chat completions (Ollama, vLLM, llama.cpp server, OpenRouter...): function calling mapped to the
 * engine's tool_use/tool_result, over fetch, with the same retries as the Anthropic provider.
 */
import type { Logger } from '../../common/logger.js';
import { type AttemptFailure, retryOptionsFor, withRetries } from './retry.js';
import type { ModelContent, ModelMessage, ModelProvider, ModelRequest, ModelResponse } from './types.js';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  maxAttempts?: number;
  logger: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

interface ChatCompletion {
  model?: string;
  choices?: {
    finish_reason?: string | null;
    message?: {
      content?: string | null;
      tool_calls?: { id?: string; function?: { name?: string; arguments?: string | Record<string, unknown> } }[];
    };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): ModelProvider {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    id: 'openai-compatible',
    model: options.model,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const body = JSON.stringify(toBody(options.model, request));
      const completion = await withRetries(retryOptionsFor('openai-compatible', options, request.signal), () =>
        postOnce(options, endpoint, body, request.signal),
      );
      const choice = completion.choices?.[0];
      const content: ModelContent[] = [];
      if (choice?.message?.content) content.push({ type: 'text', text: choice.message.content });
      (choice?.message?.tool_calls ?? []).forEach((call, index) => {
        content.push({
          type: 'tool_use',
          id: call.id || `call_${index + 1}`,
          name: call.function?.name ?? '',
          input: parseArguments(call.function?.arguments),
        });
      });
      if (choice?.message?.content) request.onTextDelta?.(choice.message.content);
      const hasCalls = content.some((c) => c.type === 'tool_use');
      return {
        content,
        stopReason: hasCalls ? 'tool_use' : choice?.finish_reason === 'length' ? 'max_tokens' : 'end_turn',
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
        model: completion.model || options.model,
        costUsd: 0,
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

type Attempt = { ok: true; value: ChatCompletion } | { ok: false; failure: AttemptFailure; cause?: unknown };

/** One POST with a per-attempt timeout covering the whole exchange (headers and body). */
async function postOnce(
  options: OpenAiCompatibleOptions,
  endpoint: string,
  body: string,
  userSignal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = userSignal ? AbortSignal.any([userSignal, timeout]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body,
      signal,
    });
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      const failure: AttemptFailure = {
        kind: 'http',
        status: response.status,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
        message: `HTTP ${response.status} ${errorDetail(text)}`,
      };
      return { ok: false, failure };
    }
    try {
      return { ok: true, value: JSON.parse(text) as ChatCompletion };
    } catch {
      // a proxy or a half-started server answering 200 with non-JSON: treat as transient
      return { ok: false, failure: { kind: 'connection', message: `invalid JSON response: ${text.slice(0, 200)}` } };
    }
  } catch (error) {
    if (userSignal?.aborted) return { ok: false, failure: { kind: 'aborted', message: 'aborted' }, cause: error };
    if (timeout.aborted)
      return { ok: false, failure: { kind: 'timeout', message: `no response within ${timeoutMs} ms` } };
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const message = `${error instanceof Error ? error.message : String(error)}${cause}`;
    return { ok: false, failure: { kind: 'connection', message } };
  }
}

/** The `error.message` of an OpenAI-style error body, else the start of the body. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string' && message) return message.slice(0, 500);
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 500) || '(no body)';
}

/** Malformed arguments reach the engine as `{ _raw }`, which its zod validation reports back to the model. */
function parseArguments(text: string | Record<string, unknown> | undefined): unknown {
  if (text !== undefined && typeof text !== 'string') return text; // some servers send the object itself
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { _raw: text };
  } catch {
    return { _raw: text };
  }
}

function toBody(model: string, request: ModelRequest) {
  return {
    model,
    max_tokens: request.maxTokens,
    messages: [{ role: 'system', content: request.system }, ...request.messages.flatMap(toMessages)],
    tools: request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    })),
  };
}

function toMessages(message: ModelMessage): Record<string, unknown>[] {
  if (message.role === 'assistant') {
    const text = message.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
    const calls = message.content.flatMap((c) =>
      c.type === 'tool_use'
        ? [{ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) } }]
        : [],
    );
    return [{ role: 'assistant', content: text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) }];
  }
  const out: Record<string, unknown>[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      out.push({
        role: 'tool',
        tool_call_id: block.toolUseId,
        content: block.isError ? `ERROR: ${block.content}` : block.content,
      });
    } else if (block.type === 'text') {
      out.push({ role: 'user', content: block.text });
    }
  }
  return out;
}

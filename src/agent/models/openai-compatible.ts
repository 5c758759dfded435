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
  choices: {
    finish_reason?: string;
    message: { content?: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): ModelProvider {
  const doFetch = options.fetch ?? fetch;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    id: 'openai-compatible',
    model: options.model,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const started = performance.now();
      const body = JSON.stringify(toBody(options.model, request));
      const completion = await withRetries<ChatCompletion>(
        retryOptionsFor('openai-compatible', options, request.signal),
        async () => {
          const timeout = AbortSignal.timeout(options.timeoutMs ?? 60_000);
          const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
          try {
            const response = await doFetch(endpoint, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
              },
              body,
              signal,
            });
            if (!response.ok) {
              const text = (await response.text()).slice(0, 500);
              const retryAfter = response.headers.get('retry-after');
              const failure: AttemptFailure = {
                kind: 'http',
                status: response.status,
                retryAfterSeconds: retryAfter && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : undefined,
                message: `${response.status} ${text}`,
              };
              return { ok: false as const, failure };
            }
            return { ok: true as const, value: (await response.json()) as ChatCompletion };
          } catch (error) {
            if (request.signal?.aborted)
              return { ok: false as const, failure: { kind: 'aborted', message: 'aborted' }, cause: error };
            if (timeout.aborted)
              return { ok: false as const, failure: { kind: 'timeout', message: 'request timed out' } };
            return {
              ok: false as const,
              failure: { kind: 'connection', message: error instanceof Error ? error.message : String(error) },
            };
          }
        },
      );
      const choice = completion.choices[0];
      const content: ModelContent[] = [];
      if (choice?.message.content) content.push({ type: 'text', text: choice.message.content });
      for (const call of choice?.message.tool_calls ?? []) {
        content.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseArguments(call.function.arguments),
        });
      }
      if (choice?.message.content) request.onTextDelta?.(choice.message.content);
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
        model: completion.model ?? options.model,
        costUsd: 0,
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

/** Malformed arguments reach the engine as `{ _raw }`, which its zod validation reports back to the model. */
function parseArguments(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value !== null && typeof value === 'object' ? value : { _raw: text };
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

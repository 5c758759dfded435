import { createHash } from 'node:crypto';
import { UserError } from '../../common/errors.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './types.js';

/**
 * Record and replay of model turns. A recording provider wraps a live (or scripted) provider and stores each response
 * under a hash of the request that produced it; a replay provider serves those responses and nothing else. Because
 * the key covers the system prompt, the tool schemas and the whole conversation (tool results included), a changed
 * prompt file, tool description or result format is a cassette miss with a reason, never a silent pass.
 */

export const CASSETTE_VERSION = 1;

/** Hashes of the parts of a request, so a miss can say what changed. */
export interface RequestParts {
  system: string;
  tools: string;
  /** One hash per message, in order. */
  messages: string[];
  maxTokens: number;
}

export interface CassetteEntry {
  key: string;
  parts: RequestParts;
  /** The last user message, shortened: what the model was answering (for people reading the file). */
  preview: string;
  response: Pick<ModelResponse, 'content' | 'stopReason' | 'usage' | 'model' | 'costUsd'>;
}

export interface Cassette {
  version: typeof CASSETTE_VERSION;
  /** Provider and model that produced the responses (e.g. "anthropic/claude-sonnet-4-6"). */
  recordedWith: string;
  /** Free-form labels: the prompt version, the case id. */
  labels: Record<string, string>;
  entries: CassetteEntry[];
}

function sha(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

export function requestParts(request: ModelRequest): RequestParts {
  return {
    system: sha(request.system),
    tools: sha(request.tools.map((t) => [t.name, t.description, t.inputSchema])),
    messages: request.messages.map((m) => sha([m.role, m.content])),
    maxTokens: request.maxTokens,
  };
}

/** The cassette key of a request: a hash of everything the model sees. */
export function requestKey(request: ModelRequest): string {
  return sha(requestParts(request));
}

function preview(request: ModelRequest): string {
  const last = request.messages.at(-1);
  const text = (last?.content ?? [])
    .map((c) => (c.type === 'text' ? c.text : c.type === 'tool_result' ? c.content : `[${c.name}]`))
    .join(' ');
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** Wraps a provider; every response is appended to `cassette.entries` under its request key. */
export function createRecordingProvider(inner: ModelProvider, cassette: Cassette): ModelProvider {
  return {
    id: inner.id,
    model: inner.model,
    async complete(request) {
      const response = await inner.complete(request);
      const parts = requestParts(request);
      const key = sha(parts);
      if (!cassette.entries.some((e) => e.key === key)) {
        const { content, stopReason, usage, model, costUsd } = response;
        cassette.entries.push({
          key,
          parts,
          preview: preview(request),
          response: { content, stopReason, usage, model, costUsd },
        });
      }
      return response;
    },
  };
}

/** Why a request missed: the nearest recorded request of the same length and the first part that differs. */
export function explainMiss(cassette: Cassette, request: ModelRequest): string {
  const parts = requestParts(request);
  if (cassette.entries.length === 0) return 'the cassette is empty (nothing was recorded for this case)';
  const sameTurn = cassette.entries.filter((e) => e.parts.messages.length === parts.messages.length);
  const candidates = sameTurn.length > 0 ? sameTurn : cassette.entries;
  const reasons = candidates.map((e) => {
    if (e.parts.system !== parts.system) return 'the system prompt differs from the recording';
    if (e.parts.tools !== parts.tools) return 'the tool schemas differ from the recording';
    if (e.parts.maxTokens !== parts.maxTokens) return 'max_tokens differs from the recording';
    const at = parts.messages.findIndex((m, i) => e.parts.messages[i] !== m);
    if (at >= 0) return `message ${at + 1} (${request.messages[at]?.role}) differs from the recording`;
    return `the conversation has ${parts.messages.length} messages; the recording had ${e.parts.messages.length}`;
  });
  const order = [
    'the system prompt differs',
    'the tool schemas differ',
    'max_tokens differs',
    'message',
    'the conversation has',
  ];
  // Report the most specific explanation: the candidate that agrees on the most parts.
  reasons.sort((a, b) => order.findIndex((o) => b.startsWith(o)) - order.findIndex((o) => a.startsWith(o)));
  return reasons[0] ?? 'no recorded request matches';
}

/**
 * Serves recorded responses by request key. A request that was not recorded throws CASSETTE_MISS naming what
 * differs (system prompt, tool schemas, or which message), so the caller can report it instead of scoring it.
 */
export function createReplayProvider(cassette: Cassette): ModelProvider {
  const byKey = new Map(cassette.entries.map((e) => [e.key, e]));
  const [recordedId = 'replay', recordedModel = 'replay'] = cassette.recordedWith.split('/');
  return {
    id: `replay:${recordedId}`,
    model: recordedModel,
    async complete(request) {
      const started = performance.now();
      const entry = byKey.get(requestKey(request));
      if (!entry) {
        throw new UserError(
          'CASSETTE_MISS',
          `No recorded model turn for this request: ${explainMiss(cassette, request)}.`,
          {
            details: { key: requestKey(request) },
          },
        );
      }
      return { ...structuredClone(entry.response), latencyMs: Math.round(performance.now() - started) };
    },
  };
}

export function emptyCassette(recordedWith: string, labels: Record<string, string> = {}): Cassette {
  return { version: CASSETTE_VERSION, recordedWith, labels, entries: [] };
}

/** Parses a cassette file's JSON; throws CASSETTE_INVALID on anything else. */
export function parseCassette(text: string, origin: string): Cassette {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError('CASSETTE_INVALID', `${origin} is not JSON: ${(error as Error).message}`);
  }
  const cassette = value as Partial<Cassette>;
  if (cassette.version !== CASSETTE_VERSION || !Array.isArray(cassette.entries)) {
    throw new UserError(
      'CASSETTE_INVALID',
      `${origin} is not a version ${CASSETTE_VERSION} cassette (expected {version, recordedWith, entries}).`,
    );
  }
  return {
    version: CASSETTE_VERSION,
    recordedWith: String(cassette.recordedWith ?? 'unknown'),
    labels: cassette.labels ?? {},
    entries: cassette.entries,
  };
}

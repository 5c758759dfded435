/**
 * The model port: the engine speaks these types; each provider adapter (Anthropic, OpenAI-compatible, scripted)
 * translates to and from its vendor's wire format beside it.
 */

export type ModelContent =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ModelContent[];
}

export interface ModelToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ModelToolSpec[];
  maxTokens: number;
  signal?: AbortSignal;
  /** Streaming text as it arrives (for live progress); optional. */
  onTextDelta?: (text: string) => void;
}

export type ModelStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'other';

export interface ModelResponse {
  content: ModelContent[];
  stopReason: ModelStopReason;
  usage: ModelUsage;
  model: string;
  /** Estimated cost of this call in USD (0 when the provider has no price). */
  costUsd: number;
  latencyMs: number;
}

export interface ModelProvider {
  readonly id: string;
  readonly model: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
}

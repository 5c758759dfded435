import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Actor } from '../../common/actor.js';
import type { Logger } from '../../common/logger.js';
import { connectionNameSchema } from '../../config/index.js';
import type { SleuthContext } from '../../main.js';

export type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a tool call runs with: the context (the only way to SQL), who is asking, and this MCP session's state. */
export interface ToolEnv {
  context: SleuthContext;
  actor: Actor;
  logger: Logger;
  session: McpSessionState;
}

/** State kept per MCP session (one stdio process, or one Mcp-Session-Id over HTTP). */
export interface McpSessionState {
  /** Sleuth session that `investigate` calls share when they name none (follow-ups see earlier answers). */
  sleuthSessionId?: string;
}

export interface ToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** `text` is the human/LLM rendering; without it the text content is the structured result as JSON. */
  run(args: z.output<I>, env: ToolEnv, extra: RequestExtra): Promise<{ structured: z.output<O>; text?: string }>;
}

/** Identity helper that keeps the input and output types of one tool together. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return tool;
}

/** A connection by configured name only: URLs (other hosts, local files) are not accepted from MCP clients. */
export const connectionArg = connectionNameSchema
  .optional()
  .describe('Connection name (see the sleuth://schema resources); the default connection when omitted.');

/** JSON Schema (draft-07, as the SDK's validator reads it) for tools/list. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, type: 'object' };
}

/** Rows as JSON: bigint as text, dates as ISO strings, binary as base64. */
export function jsonRow(row: readonly unknown[]): unknown[] {
  return row.map((value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Date) return value.toISOString();
    if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
    return value;
  });
}

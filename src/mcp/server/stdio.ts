/**
 * Sleuth as an MCP server over stdio (`sleuth mcp`): stdout carries only the protocol, so logs go to stderr (the
 * logger's default) and the caller must not print anything else. Ends when the client closes stdin, or on close().
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Actor } from '../../common/actor.js';
import type { Logger } from '../../common/logger.js';
import type { SleuthContext } from '../../main.js';
import { createSleuthMcpServer, type LazySleuthContext } from './server.js';

export interface McpStdioOptions {
  /** The context, or a lazy one (opened on the first tool call; see LazySleuthContext). */
  context: SleuthContext | LazySleuthContext;
  /** Called once the client has initialized (e.g. to start opening a lazy context while the client lists tools). */
  onInitialized?: () => void;
  actor: Actor;
  logger: Logger;
  stdin: Readable;
  stdout: Writable;
}

export interface McpStdioSession {
  /** Resolves when the client has gone (stdin ended) or close() was called. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** The actor of a local stdio client (an MCP host such as Claude Desktop started `sleuth mcp` for this OS user). */
export function mcpStdioActor(env: Readonly<Record<string, string | undefined>>): Actor {
  const user = env.USER || env.USERNAME;
  return { kind: 'mcp', id: 'mcp:stdio', ...(user ? { label: user } : {}) };
}

export async function serveMcpStdio(options: McpStdioOptions): Promise<McpStdioSession> {
  const server = createSleuthMcpServer({ context: options.context, actor: options.actor, logger: options.logger });
  if (options.onInitialized) server.oninitialized = options.onInitialized;
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  transport.onclose = () => finish();
  const ended = () => {
    void server.close().finally(finish);
  };
  options.stdin.once('end', ended);
  options.stdin.once('close', ended);
  await server.connect(transport);
  options.logger.info('MCP server ready on stdio');
  return {
    done,
    async close() {
      options.stdin.off('end', ended);
      options.stdin.off('close', ended);
      await server.close().catch(() => undefined);
      finish();
    },
  };
}

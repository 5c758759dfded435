/**
 * The external MCP servers of mcp.json, as child processes over stdio (the SDK's real Client and
 * StdioClientTransport). A server starts on first use; when it exits unexpectedly the next call starts a new one,
 * after a backoff that doubles with each consecutive crash (reset by a successful call); `close` stops them all.
 * The SDK is imported on first start, so commands that never use an MCP connection do not load it.
 *
 * A server gets only the SDK's small default environment (HOME, PATH, USER...) plus its `env` from mcp.json, never
 * Sleuth's own secrets. Its stderr is kept (last lines, redacted) for the error message when it fails to start.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { UpstreamError, UserError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { redactSecrets } from '../../common/redact.js';
import type { McpToolCaller, McpToolInfo, McpToolResult } from '../../datasources/index.js';
import { sleuthImplementation } from '../version.js';
import { type McpServerConfig, type McpServersConfig, mcpServerProblem } from './config.js';

export interface McpClientPoolOptions {
  config: McpServersConfig;
  logger: Logger;
  /** Restart backoff after a crash: baseMs, doubling per consecutive crash, at most maxMs. */
  backoff?: { baseMs: number; maxMs: number };
  /** How long a server may take to start and answer `initialize`. */
  startTimeoutMs?: number;
  /** Largest single message accepted from a server (the SDK's read buffer). */
  maxMessageBytes?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface McpServerStatus {
  name: string;
  state: 'stopped' | 'starting' | 'running';
  pid: number | null;
  starts: number;
  /** Unexpected exits since the pool was created. */
  crashes: number;
  calls: number;
  lastError: string | null;
}

export interface McpClientPool extends McpToolCaller {
  status(): McpServerStatus[];
  /** Stops every running server (stdin closed, then SIGTERM, then SIGKILL, as the SDK does). */
  close(): Promise<void>;
}

interface Live {
  client: Client;
  transport: StdioClientTransport;
  pid: number | null;
  tools?: Promise<McpToolInfo[]>;
  /** Set when we close it, so its exit is not counted as a crash. */
  closing: boolean;
  /** Set once `initialize` succeeded; an exit before that is a failed start, counted by start(). */
  started: boolean;
}

interface Slot {
  config: McpServerConfig;
  starting?: Promise<Live>;
  live?: Live;
  starts: number;
  crashes: number;
  consecutiveCrashes: number;
  calls: number;
  lastExitAt: number;
  lastError: string | null;
  stderrTail: string[];
}

type Sdk = {
  Client: typeof import('@modelcontextprotocol/sdk/client/index.js').Client;
  StdioClientTransport: typeof import('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport;
  McpError: typeof import('@modelcontextprotocol/sdk/types.js').McpError;
  connectionClosed: number;
};

const STDERR_LINES = 20;
/** The SDK's own request timeout is not used: callers pass a signal with their statement timeout. */
const NO_SDK_TIMEOUT_MS = 24 * 3_600_000;

export function createMcpClientPool(options: McpClientPoolOptions): McpClientPool {
  const { config, logger } = options;
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 30_000 };
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const slots = new Map<string, Slot>();
  let sdk: Promise<Sdk> | undefined;
  let closed = false;

  function slotFor(server: string): Slot {
    const existing = slots.get(server);
    if (existing) return existing;
    const problem = mcpServerProblem(config, server);
    const serverConfig = config.servers[server];
    if (problem || !serverConfig) throw new UserError('CONFIG_INVALID', problem ?? `Unknown MCP server "${server}".`);
    const slot: Slot = {
      config: serverConfig,
      starts: 0,
      crashes: 0,
      consecutiveCrashes: 0,
      calls: 0,
      lastExitAt: 0,
      lastError: null,
      stderrTail: [],
    };
    slots.set(server, slot);
    return slot;
  }

  function ensure(slot: Slot): Promise<Live> {
    if (closed) return Promise.reject(unavailable(slot, 'Sleuth is shutting down'));
    if (slot.live) return Promise.resolve(slot.live);
    slot.starting ??= start(slot).finally(() => {
      slot.starting = undefined;
    });
    return slot.starting;
  }

  async function start(slot: Slot): Promise<Live> {
    const { name } = slot.config;
    if (slot.consecutiveCrashes > 0) {
      const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (slot.consecutiveCrashes - 1));
      const wait = delay - (now() - slot.lastExitAt);
      if (wait > 0) await sleep(wait);
    }
    const { Client, StdioClientTransport } = await loadSdk();
    const transport = new StdioClientTransport({
      command: slot.config.command,
      args: [...slot.config.args],
      env: { ...slot.config.env },
      cwd: slot.config.cwd,
      stderr: 'pipe',
      maxBufferSize: options.maxMessageBytes ?? 32 * 1024 * 1024,
    });
    transport.stderr?.on('data', (chunk: Buffer) => keepStderr(slot, chunk.toString('utf8')));
    const client = new Client(sleuthImplementation(), { capabilities: {} });
    const live: Live = { client, transport, pid: null, closing: false, started: false };
    client.onclose = () => onExit(slot, live);
    client.onerror = (error) => {
      slot.lastError = redactSecrets(error.message);
    };
    slot.starts++;
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(transport),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer to initialize within ${startTimeoutMs} ms`)),
            startTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      live.closing = true;
      await client.close().catch(() => undefined);
      recordCrash(slot, error);
      throw unavailable(slot, `cannot start (${slot.config.command}): ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    live.pid = transport.pid;
    live.started = true;
    if (closed) {
      live.closing = true;
      await client.close().catch(() => undefined);
      throw unavailable(slot, 'Sleuth is shutting down');
    }
    slot.live = live;
    logger.info({ mcpServer: name, pid: live.pid, ms: now() - started }, 'MCP server started');
    return live;
  }

  function onExit(slot: Slot, live: Live): void {
    if (slot.live === live) slot.live = undefined;
    if (live.closing || !live.started) return;
    live.closing = true;
    recordCrash(slot, new Error(slot.lastError ?? 'the process exited'));
    logger.warn(
      { mcpServer: slot.config.name, pid: live.pid, stderr: slot.stderrTail.slice(-5).join('\n') },
      'MCP server exited unexpectedly; it is restarted on next use',
    );
  }

  function recordCrash(slot: Slot, error: unknown): void {
    slot.crashes++;
    slot.consecutiveCrashes++;
    slot.lastExitAt = now();
    slot.lastError = redactSecrets(error instanceof Error ? error.message : String(error));
  }

  function keepStderr(slot: Slot, text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      slot.stderrTail.push(redactSecrets(line).slice(0, 500));
      logger.debug({ mcpServer: slot.config.name, line: redactSecrets(line) }, 'MCP server stderr');
    }
    if (slot.stderrTail.length > STDERR_LINES) slot.stderrTail.splice(0, slot.stderrTail.length - STDERR_LINES);
  }

  function unavailable(slot: Slot, why: string): UpstreamError {
    const tail = slot.stderrTail.slice(-3).join(' | ');
    return new UpstreamError(
      'CONNECTION_FAILED',
      `MCP server "${slot.config.name}" ${why}${tail ? ` (stderr: ${tail.slice(0, 600)})` : ''}`,
      { details: { mcpServer: slot.config.name } },
    );
  }

  function loadSdk(): Promise<Sdk> {
    sdk ??= (async () => {
      const [client, stdio, types] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/stdio.js'),
        import('@modelcontextprotocol/sdk/types.js'),
      ]);
      return {
        Client: client.Client,
        StdioClientTransport: stdio.StdioClientTransport,
        McpError: types.McpError,
        connectionClosed: types.ErrorCode.ConnectionClosed,
      };
    })();
    return sdk;
  }

  /** Runs `work` on the live server; a JSON-RPC error from the server becomes an error result. */
  async function withServer<T>(
    server: string,
    signal: AbortSignal | undefined,
    work: (live: Live) => Promise<T>,
    asResult: (message: string) => T,
  ): Promise<T> {
    const slot = slotFor(server);
    const live = await abortable(ensure(slot), signal);
    const { McpError, connectionClosed } = await loadSdk();
    try {
      const value = await work(live);
      slot.consecutiveCrashes = 0;
      return value;
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof McpError && error.code !== connectionClosed) return asResult(error.message);
      if (slot.live !== live || live.closing) {
        throw unavailable(slot, `exited during the call${slot.lastError ? ` (${slot.lastError})` : ''}`);
      }
      throw unavailable(slot, `failed: ${redactSecrets((error as Error).message)}`);
    }
  }

  return {
    async listTools(server) {
      return withServer(
        server,
        undefined,
        (live) => {
          live.tools ??= live.client
            .listTools()
            .then((r) =>
              r.tools.map((t) => ({ name: t.name, inputSchema: t.inputSchema as McpToolInfo['inputSchema'] })),
            );
          live.tools.catch(() => {
            live.tools = undefined;
          });
          return live.tools;
        },
        (message) => {
          throw new UpstreamError('CONNECTION_FAILED', `MCP server "${server}" could not list its tools: ${message}`);
        },
      );
    },
    async callTool(server, tool, args, { signal }): Promise<McpToolResult> {
      return withServer(
        server,
        signal,
        async (live): Promise<McpToolResult> => {
          slotFor(server).calls++;
          const result = await live.client.callTool({ name: tool, arguments: args }, undefined, {
            signal,
            timeout: NO_SDK_TIMEOUT_MS,
          });
          const blocks = Array.isArray(result.content) ? (result.content as { type: string; text?: unknown }[]) : [];
          const text = blocks
            .filter((b) => b.type === 'text' && typeof b.text === 'string')
            .map((b) => b.text as string)
            .join('\n');
          return { isError: result.isError === true, text, structured: result.structuredContent };
        },
        (message): McpToolResult => ({ isError: true, text: message }),
      );
    },
    status() {
      return [...slots.values()].map((slot) => ({
        name: slot.config.name,
        state: slot.live ? 'running' : slot.starting ? 'starting' : 'stopped',
        pid: slot.live?.pid ?? null,
        starts: slot.starts,
        crashes: slot.crashes,
        calls: slot.calls,
        lastError: slot.lastError,
      }));
    },
    async close() {
      closed = true;
      const lives = await Promise.all(
        [...slots.values()].map((slot) => (slot.starting ?? Promise.resolve(slot.live)).catch(() => undefined)),
      );
      await Promise.allSettled(
        lives.map(async (live) => {
          if (!live) return;
          live.closing = true;
          const closing = live.client.close();
          // Servers rarely exit on stdin EOF alone (an idle database pool keeps them alive); SIGTERM is the polite
          // stop the SDK would send after 2 s anyway, and it still escalates to SIGKILL if the server ignores it.
          if (live.pid) terminate(live.pid);
          await closing;
        }),
      );
    },
  };
}

function terminate(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Streamable HTTP for the host server to mount at /mcp (the SDK's StreamableHTTPServerTransport, stateful: an
 * `initialize` POST opens a session and the response carries its Mcp-Session-Id; later POSTs, the GET event stream
 * and DELETE use it). Authentication is the host's job: `handle` receives the already-resolved actor. A session is
 * bound to the actor that opened it; another actor presenting its id gets 404, as for an unknown session, so a
 * leaked session id is not a credential. Idle sessions are closed after `idleMs`; at most `maxSessions` are open.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Actor } from '../../common/actor.js';
import type { Logger } from '../../common/logger.js';
import type { SleuthContext } from '../../main.js';
import { createSleuthMcpServer } from './server.js';

export interface McpHttpHandlerOptions {
  context: SleuthContext;
  logger: Logger;
  /** Close a session after this long without a request (default 30 minutes). */
  idleMs?: number;
  /** Most open sessions; an initialize beyond it gets 503 (default 1000). */
  maxSessions?: number;
}

export interface McpHttpHandler {
  /**
   * Serves one request to /mcp (POST, GET or DELETE). `actor` is who the host authenticated (its kind becomes
   * 'mcp'; its id, role and `remote` stay, so the access policy still judges it as its key); `parsedBody` is the JSON body when a body parser already consumed the stream (express.json()).
   */
  handle(req: IncomingMessage, res: ServerResponse, actor: Actor, parsedBody?: unknown): Promise<void>;
  /** Open sessions (for metrics and tests). */
  sessionCount(): number;
  /** Closes every session (running tool calls are cancelled). */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  actor: Actor;
  lastSeen: number;
}

export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const { context, logger } = options;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 1_000;
  const sessions = new Map<string, Session>();
  let closed = false;

  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions) {
        if (now - session.lastSeen > idleMs) {
          logger.info({ mcpSession: id }, 'closing idle MCP session');
          void closeSession(id, session);
        }
      }
    },
    Math.min(idleMs, 60_000),
  );
  sweeper.unref();

  async function closeSession(id: string, session: Session): Promise<void> {
    sessions.delete(id);
    await session.server.close().catch(() => undefined);
  }

  async function open(req: IncomingMessage, res: ServerResponse, actor: Actor, body: unknown): Promise<void> {
    // the HTTP transport (and its web-standard server stack) loads with the first HTTP session, never for stdio
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    if (sessions.size >= maxSessions) {
      sendJsonRpcError(res, 503, -32000, 'Too many open MCP sessions; try again later.');
      return;
    }
    const server = createSleuthMcpServer({ context, actor, logger });
    let session: Session | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        session = { transport, server, actor, lastSeen: Date.now() };
        sessions.set(id, session);
        logger.info({ mcpSession: id, actor: actor.id }, 'MCP session opened');
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        logger.info({ mcpSession: id }, 'MCP session closed by the client');
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.get(id)?.transport === transport) sessions.delete(id);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    if (!session) await server.close().catch(() => undefined); // initialize failed: nothing to keep
  }

  return {
    async handle(req, res, hostActor, parsedBody) {
      if (closed) {
        sendJsonRpcError(res, 503, -32000, 'Sleuth is shutting down.');
        return;
      }
      const actor: Actor = { ...hostActor, kind: 'mcp' };
      const header = req.headers['mcp-session-id'];
      const id = Array.isArray(header) ? header[0] : header;
      if (id) {
        const session = sessions.get(id);
        if (!session || session.actor.id !== actor.id) {
          sendJsonRpcError(res, 404, -32001, 'Session not found.');
          return;
        }
        session.lastSeen = Date.now();
        await session.transport.handleRequest(req, res, parsedBody);
        return;
      }
      if (req.method !== 'POST') {
        sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header (initialize first).');
        return;
      }
      const body = parsedBody ?? (await readJson(req, res));
      if (body === undefined) return;
      const messages = Array.isArray(body) ? body : [body];
      if (!messages.some((m) => isInitializeRequest(m))) {
        sendJsonRpcError(res, 400, -32000, 'Bad Request: no Mcp-Session-Id header (initialize first).');
        return;
      }
      await open(req, res, actor, body);
    },
    sessionCount: () => sessions.size,
    async close() {
      closed = true;
      clearInterval(sweeper);
      await Promise.allSettled([...sessions].map(([id, session]) => closeSession(id, session)));
    },
  };
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads a JSON body the host has not parsed; answers 400/413 itself and returns undefined when it is not usable. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      sendJsonRpcError(res, 413, -32000, 'Request body too large.');
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    sendJsonRpcError(res, 400, -32700, 'Parse error: the body is not JSON.');
    return undefined;
  }
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

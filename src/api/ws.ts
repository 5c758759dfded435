/**
 * WebSocket progress at /ws/:investigationId on the API's HTTP server: the recorded events, then live ones, one JSON
 * text message per event (as in the SSE data), and a close with 1000 after done/failed. Any number of clients may
 * watch one investigation (each has its own watcher on the service). A client that reconnects with `?after=<last seq
 * it saw>` gets exactly the rest. Authentication and ownership (`visibleInvestigation`: a member key watches only the
 * investigations it started) are checked before the upgrade (see auth.ts, authorize.ts); the server pings every
 * heartbeat and drops a client that left two pings in a row unanswered. Shutdown closes with 1001.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { InvestigationEvent } from '../agent/events.js';
import { isSleuthError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { type Authenticator, WS_PROTOCOL } from './auth.js';
import { visibleInvestigation } from './authorize.js';
import { toHttpError } from './errors.js';
import type { StreamTracker } from './streams.js';
import type { ApiContext } from './types.js';

export const WS_ROUTE = '/ws/:investigationId';
const PATH = /^\/ws\/([^/?#]{1,100})$/;

export const WS_CLOSE = { finished: 1000, goingAway: 1001, internal: 1011 } as const;

export interface WebSocketDeps {
  context: ApiContext;
  authenticate: Authenticator;
  tracker: StreamTracker;
  heartbeatMs: number;
  logger: Logger;
  draining: () => boolean;
  /** Counts the upgrade as an HTTP request in the metrics. */
  observe: (status: number, seconds: number) => void;
}

export interface WebSocketEndpoint {
  /** For the HTTP server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open connections. */
  readonly clients: number;
}

function refuse(socket: Duplex, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : status === 400 ? 'Bad Request' : status === 503 ? 'Service Unavailable' : 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

export function createWebSocketEndpoint(deps: WebSocketDeps): WebSocketEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    // the key may come as a `sleuth.bearer.` subprotocol: select sleuth.v1 and never echo the key back
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    const fail = (status: number, body: unknown, headers?: Record<string, string>) => {
      deps.observe(status, (performance.now() - started) / 1000);
      refuse(socket, status, body, headers);
    };
    if (!match)
      return fail(404, { error: { code: 'NOT_FOUND', message: `No WebSocket endpoint at ${url.pathname}.` } });
    if (deps.draining())
      return fail(503, { error: { code: 'SHUTTING_DOWN', message: 'The server is shutting down; reconnect.' } });
    const id = decodeURIComponent(match[1] as string);
    const afterText = url.searchParams.get('after');
    if (afterText !== null && !/^\d{1,9}$/.test(afterText))
      return fail(400, { error: { code: 'INVALID_REQUEST', message: 'after must be a whole number (a seq).' } });
    try {
      const actor = await deps.authenticate(req, 'api', WS_ROUTE);
      // the same rule as the REST routes: a member watches only its own investigations; anyone else's is a 404
      await visibleInvestigation(deps.context, actor, id);
    } catch (error) {
      const problem = toHttpError(error);
      if (problem.serverFault || !isSleuthError(error)) deps.logger.error({ err: error }, 'WebSocket upgrade failed');
      return fail(problem.status, problem.body, problem.headers);
    }
    const service = await deps.context.investigations();
    wss.handleUpgrade(req, socket, head, (ws) => {
      deps.observe(101, (performance.now() - started) / 1000);
      void relay(ws, (signal) => service.watch(id, { afterSeq: Number(afterText ?? 0), signal }));
    });
  }

  async function relay(
    ws: WebSocket,
    watch: (signal: AbortSignal) => AsyncGenerator<InvestigationEvent>,
  ): Promise<void> {
    const controller = new AbortController();
    // unanswered pings; two in a row (a whole interval without a pong after the last one) drop the client
    let unanswered = 0;
    ws.on('pong', () => {
      unanswered = 0;
    });
    const heartbeat = setInterval(() => {
      if (unanswered >= 2) {
        ws.terminate();
        return;
      }
      unanswered++;
      ws.ping();
    }, deps.heartbeatMs);
    heartbeat.unref();
    const untrack = deps.tracker.add(() => {
      controller.abort();
      ws.close(WS_CLOSE.goingAway, 'server shutting down');
      setTimeout(() => ws.terminate(), 2000).unref();
    });
    ws.on('close', () => controller.abort());
    ws.on('error', () => controller.abort());
    // messages from the client are not part of the protocol; they are ignored
    try {
      for await (const event of watch(controller.signal)) {
        if (controller.signal.aborted || ws.readyState !== ws.OPEN) break;
        await new Promise<void>((resolve, reject) =>
          ws.send(JSON.stringify(event), (e) => (e ? reject(e) : resolve())),
        );
      }
      if (!controller.signal.aborted && ws.readyState === ws.OPEN)
        ws.close(WS_CLOSE.finished, 'investigation finished');
    } catch (error) {
      if (!controller.signal.aborted) {
        deps.logger.error({ err: error }, 'WebSocket relay failed');
        if (ws.readyState === ws.OPEN) ws.close(WS_CLOSE.internal, 'internal error');
      }
    } finally {
      clearInterval(heartbeat);
      untrack();
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => undefined);
      upgrade(req, socket, head).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'WebSocket upgrade crashed');
        socket.destroy();
      });
    },
    get clients() {
      return wss.clients.size;
    },
  };
}

/**
 * The HTTP server behind `sleuth serve`: health, and Slack's `/slack/events` (Bolt's HTTP receiver, signature
 * checked by Bolt) when Slack is configured in HTTP mode. The REST API, WebSocket progress and metrics join here
 * (issue 7). No listen at import; `startServer` returns the bound URL and a close that drains.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/logger.js';

/** Handles the request and returns true, or returns false to let the next route try. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface StartServerOptions {
  port: number;
  host: string;
  routes: readonly HttpRoute[];
  logger: Logger;
  /** Reported by GET /healthz. */
  components: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      sendJson(res, 200, { status: 'ok', components: options.components });
      return;
    }
    for (const route of options.routes) if (route(req, res)) return;
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}.` } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  options.logger.info({ url }, 'server listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Listening: one Node HTTP server for the API app and its WebSocket upgrades. `stop` is the graceful shutdown: stop
 * accepting (the listener closes, idle keep-alive connections close, new requests on open ones get 503
 * SHUTTING_DOWN), let in-flight requests and running investigations finish within the grace period (SSE and
 * WebSocket clients keep receiving their events meanwhile), then end the streams (WebSockets close with 1001) and
 * close what is left.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/logger.js';
import type { ApiServer } from './app.js';

export interface StartServerOptions {
  api: ApiServer;
  port: number;
  host: string;
  logger: Logger;
}

export interface StopOptions {
  /** How long in-flight requests and running work may take (default 30 s). */
  graceMs?: number;
  /** True when the work the streams follow is done (e.g. no investigation queued or running). */
  idle?: () => Promise<boolean>;
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  stop(options?: StopOptions): Promise<void>;
}

const POLL_MS = 50;
const STREAM_CLOSE_MS = 2000;

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { api, logger } = options;
  const server = createServer(api.handler);
  server.on('upgrade', (req, socket, head) => api.handleUpgrade(req, socket, head));
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
  logger.info({ url }, 'server listening');

  let stopping: Promise<void> | undefined;
  async function stop(stopOptions: StopOptions = {}): Promise<void> {
    const deadline = Date.now() + (stopOptions.graceMs ?? 30_000);
    api.drain();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const settled = async () =>
      api.inFlight() === 0 && (stopOptions.idle ? await stopOptions.idle().catch(() => true) : true);
    while (Date.now() < deadline && !(await settled())) await sleep(POLL_MS);
    if (!(await settled()))
      logger.warn({ inFlight: api.inFlight() }, 'grace period over: closing with work unfinished');
    api.closeStreams();
    const streamsDeadline = Date.now() + STREAM_CLOSE_MS;
    while (api.openStreams() > 0 && Date.now() < streamsDeadline) await sleep(POLL_MS);
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), STREAM_CLOSE_MS);
    await closed;
    clearTimeout(forced);
    api.close();
    logger.info({ url }, 'server stopped');
  }

  return {
    url,
    server,
    stop: (stopOptions) => {
      stopping ??= stop(stopOptions);
      return stopping;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

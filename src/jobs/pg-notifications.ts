/**
 * PostgreSQL LISTEN/NOTIFY for the job layer: one LISTEN connection per process, shared by the event bus (new
 * events), the job queue (new jobs) and workers (cancel requests). When the connection is lost it reconnects with
 * backoff and LISTENs again on every channel; `onReconnect` handlers then catch up on what the outage hid (PostgreSQL
 * does not keep notifications for a listener that is gone). NOTIFY goes through a pool; payloads must stay under
 * PostgreSQL's 8000-byte limit, so callers send ids, never event bodies.
 */
import pg from 'pg';
import type { Logger } from '../common/logger.js';

export interface PgNotifications {
  /** Resolves once the channel is LISTENed on the live connection; the result stops this handler. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => void>;
  notify(channel: string, payload: string): Promise<void>;
  /** Called each time a lost connection is back (not on the first connect); the result removes the handler. */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

export interface PgNotificationsOptions {
  url: string;
  /** Where NOTIFY runs (any connection to the same database). */
  pool: pg.Pool;
  logger: Logger;
  applicationName?: string;
  /** Wait before reconnecting after a loss, in ms (doubles on each failed attempt, up to 5 s). Default 250. */
  reconnectMs?: number;
}

const MAX_RECONNECT_MS = 5000;

export function createPgNotifications(options: PgNotificationsOptions): PgNotifications {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnectHandlers = new Set<() => void>();
  const listenedOn = new WeakMap<pg.Client, Set<string>>();
  const log = options.logger.child({ component: 'pg-listen' });
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let connectedBefore = false;
  let closed = false;

  function dispatch(channel: string, payload: string): void {
    for (const handler of handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        log.warn({ err: String(error), channel }, 'notification handler failed');
      }
    }
  }

  function lost(lostClient: pg.Client, error?: unknown): void {
    if (client !== lostClient) return;
    client = undefined;
    lostClient.end().catch(() => undefined);
    if (closed) return;
    log.warn({ err: error ? String(error) : 'connection ended' }, 'LISTEN connection lost; reconnecting');
    connect(options.reconnectMs ?? 250).catch(() => undefined);
  }

  function connect(waitFirstMs = 0): Promise<pg.Client> {
    connecting ??= (async () => {
      let delay = options.reconnectMs ?? 250;
      if (waitFirstMs > 0) await new Promise((resolve) => setTimeout(resolve, waitFirstMs).unref());
      while (!closed) {
        const candidate = new pg.Client({
          connectionString: options.url,
          application_name: options.applicationName ?? 'sleuth-listen',
          keepAlive: true,
        });
        candidate.on('error', (error) => lost(candidate, error));
        candidate.on('end', () => lost(candidate));
        candidate.on('notification', (message) => dispatch(message.channel, message.payload ?? ''));
        try {
          await candidate.connect();
          const listened = new Set<string>();
          for (const channel of handlers.keys()) {
            await candidate.query(`LISTEN ${quoteIdent(channel)}`);
            listened.add(channel);
          }
          listenedOn.set(candidate, listened);
          client = candidate;
          if (connectedBefore) {
            log.info('LISTEN connection is back');
            for (const handler of reconnectHandlers) handler();
          }
          connectedBefore = true;
          return candidate;
        } catch (error) {
          candidate.removeAllListeners('end');
          candidate.end().catch(() => undefined);
          if (closed) break;
          log.warn({ err: String(error), retryInMs: delay }, 'LISTEN connection failed');
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
          delay = Math.min(delay * 2, MAX_RECONNECT_MS);
        }
      }
      throw new Error('the LISTEN connection is closed');
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    async listen(channel, handler) {
      const set = handlers.get(channel) ?? new Set();
      set.add(handler);
      handlers.set(channel, set);
      const live = client ?? (await connect());
      const listened = listenedOn.get(live);
      if (listened && !listened.has(channel)) {
        listened.add(channel);
        await live.query(`LISTEN ${quoteIdent(channel)}`);
      }
      return () => {
        set.delete(handler);
      };
    },
    async notify(channel, payload) {
      await options.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    onReconnect(handler) {
      reconnectHandlers.add(handler);
      return () => reconnectHandlers.delete(handler);
    },
    async close() {
      closed = true;
      handlers.clear();
      reconnectHandlers.clear();
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../common/actor.js';
import type { Logger } from '../common/logger.js';
import type { SleuthContext } from '../main.js';
import type { Metrics } from '../metrics/index.js';
import type { RateLimitHook } from './auth.js';

/** What the API uses of the composition root (SleuthContext satisfies it). */
export type ApiContext = Pick<
  SleuthContext,
  'config' | 'memory' | 'knowledge' | 'investigations' | 'runSql' | 'schema' | 'source' | 'observers' | 'access'
>;

/** Handles the request and returns true, or returns false to let the next route try. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * A handler mounted behind API authentication and the rate-limit slot, for every method at `path` and below (the MCP
 * Streamable HTTP endpoint at /mcp). The request body is not read: the handler gets the raw stream, and `req.url` is
 * the full original URL.
 */
export interface ApiMount {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, actor: Actor): void | Promise<void>;
}

export interface ApiServerDeps {
  context: ApiContext;
  logger: Logger;
  /** Reported by /health and /healthz (e.g. { slack: 'http' }). */
  components?: Readonly<Record<string, string>>;
  /** Served first, with their own authentication (Slack's /slack/events: Bolt checks Slack's signature). */
  rawRoutes?: readonly HttpRoute[];
  /** Behind API auth and the rate limit (see ApiMount). */
  mounts?: readonly ApiMount[];
  /** The rate-limit slot (see RateLimitHook); none: no limit. */
  rateLimit?: RateLimitHook;
  /** Defaults to a new registry with process metrics. */
  metrics?: Metrics;
  /** WebSocket ping interval; a client that leaves two pings in a row unanswered is dropped (default 30 s). */
  wsHeartbeatMs?: number;
  /** SSE comment line interval keeping proxies from closing idle streams (default 15 s). */
  sseHeartbeatMs?: number;
  /** Per-component timeout of /ready (default 3 s). */
  readyTimeoutMs?: number;
  /**
   * Only the operations routes (/health, /healthz, /ready, /metrics): what a `--role worker` process serves. No API,
   * no mounts, no WebSocket.
   */
  operationsOnly?: boolean;
}

/**
 * createApiServer: the express app behind `sleuth serve` (no listen here; startServer listens). In order: request id,
 * HTTP metrics, raw routes with their own auth (Slack), the shutdown gate, open operations routes, mounts behind auth
 * (MCP), the JSON API under /api/v1, then 404 and the one error handler. WebSocket upgrades go through
 * `handleUpgrade` with the same authenticator.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Actor } from '../common/actor.js';
import { UserError } from '../common/errors.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import { type AuthScope, createAuthenticator } from './auth.js';
import { toHttpError } from './errors.js';
import { createKeyVerifier } from './keys.js';
import { openApiDocument } from './openapi.js';
import { databaseRoutes } from './routes/database.js';
import type { ApiRoute } from './routes/define.js';
import { investigationRoutes } from './routes/investigations.js';
import { knowledgeRoutes } from './routes/knowledge.js';
import { operationRoutes } from './routes/operations.js';
import { createStreamTracker } from './streams.js';
import type { ApiServerDeps } from './types.js';
import { createWebSocketEndpoint, WS_ROUTE } from './ws.js';

export interface ApiServer {
  /** The request listener (an express app). */
  readonly handler: express.Express;
  /** For the HTTP server's 'upgrade' event (WebSocket /ws/:investigationId). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly metrics: Metrics;
  /** Every route declaration (what /openapi.json documents). */
  readonly routes: readonly ApiRoute[];
  /** From now on, new requests get 503 SHUTTING_DOWN (health stays up) and responses say Connection: close. */
  drain(): void;
  /** Requests in progress, SSE streams and WebSockets excluded. */
  inFlight(): number;
  /** Ends SSE streams and closes WebSockets with 1001. */
  closeStreams(): void;
  /** Open SSE streams and WebSockets. */
  openStreams(): number;
  /** Stops observing the context (the metrics stop moving). */
  close(): void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const { context, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const unobserve = context.observers.add(metrics.observer);
  metrics.setQueueDepth(async () => (await context.investigations()).depth());
  const tracker = createStreamTracker();
  const operationsOnly = deps.operationsOnly === true;
  const mounts = operationsOnly ? [] : (deps.mounts ?? []);
  let draining = false;
  let inFlight = 0;

  const verify = createKeyVerifier({
    keys: async () => (await context.memory()).apiKeys,
    tokens: context.config.api.tokens,
    metricsToken: context.config.api.metricsToken,
  });
  const authenticate = createAuthenticator({ verify, rateLimit: deps.rateLimit });

  const routes: ApiRoute[] = [];
  routes.push(
    ...operationRoutes({
      context,
      metrics,
      components: deps.components ?? {},
      readyTimeoutMs: deps.readyTimeoutMs ?? 3000,
      draining: () => draining,
      openApi: () => (document ??= openApiDocument(routes, { version: packageVersion(), mounts })),
      logger,
    }),
  );
  if (!operationsOnly) {
    routes.push(
      ...investigationRoutes(context, { tracker, heartbeatMs: deps.sseHeartbeatMs ?? 15_000 }),
      ...databaseRoutes(context),
      ...knowledgeRoutes(context),
    );
  }
  let document: unknown;

  const app = express();
  app.disable('x-powered-by');
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.once('close', () => {
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'unmatched';
      metrics.httpRequest({
        method: req.method,
        route,
        status: res.statusCode,
        seconds: (performance.now() - started) / 1000,
      });
    });
    next();
  });

  for (const raw of deps.rawRoutes ?? []) {
    app.use((req, res, next) => {
      res.locals.route = (req.path || '/').split('?')[0];
      if (!raw(req, res)) {
        res.locals.route = undefined;
        next();
      }
    });
  }

  app.use((req, res, next) => {
    if (!draining || req.path === '/health' || req.path === '/healthz' || req.path === '/ready') return next();
    res.setHeader('connection', 'close');
    next(new UserError('SHUTTING_DOWN', 'The server is shutting down; retry on another instance.'));
  });

  const gate =
    (scope: AuthScope | 'none', route: string) => async (req: Request, res: Response, next: NextFunction) => {
      res.locals.route = route;
      if (scope === 'none') return next();
      res.locals.actor = await authenticate(req, scope, route);
      next();
    };

  for (const mount of mounts) {
    app.use(mount.path, gate('api', mount.path), async (req, res) => {
      req.url = req.originalUrl;
      await mount.handle(req, res, res.locals.actor as Actor);
    });
  }

  const json = express.json({ limit: '1mb' });
  for (const route of routes) {
    const streaming = route.operationId === 'streamInvestigationEvents';
    app[route.method](route.path, gate(route.auth, route.path), json, async (req: Request, res: Response) => {
      if (!streaming) inFlight++;
      try {
        const reply = await route.run(req, res, res.locals.actor as Actor | undefined, res.locals.requestId as string);
        if (!reply || res.headersSent) return;
        if (draining) res.setHeader('connection', 'close');
        res.status(reply.status).set(reply.headers ?? {});
        if (reply.body === undefined) res.end();
        else res.json(reply.body);
      } finally {
        if (!streaming) inFlight--;
      }
    });
  }

  app.use((req, _res, next) => {
    next(new UserError('NOT_FOUND', `No route for ${req.method} ${req.path}.`));
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = res.locals.requestId as string | undefined;
    const problem = toHttpError(error, requestId);
    if (problem.serverFault)
      logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed');
    else logger.debug({ code: problem.body.error.code, requestId }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(problem.status).set(problem.headers).json(problem.body);
  });

  const ws = createWebSocketEndpoint({
    context,
    authenticate,
    tracker,
    heartbeatMs: deps.wsHeartbeatMs ?? 30_000,
    logger,
    draining: () => draining,
    observe: (status, seconds) => metrics.httpRequest({ method: 'GET', route: WS_ROUTE, status, seconds }),
  });

  return {
    handler: app,
    handleUpgrade: (req, socket, head) => {
      if (operationsOnly) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else ws.handleUpgrade(req, socket, head);
    },
    metrics,
    routes,
    drain() {
      draining = true;
    },
    inFlight: () => inFlight,
    closeStreams: () => tracker.closeAll(),
    openStreams: () => tracker.size,
    close() {
      unobserve();
      metrics.setQueueDepth(undefined);
    },
  };
}

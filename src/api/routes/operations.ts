/**
 * Health (alive, open), readiness (memory store and every configured database reachable, open: load balancers probe
 * it without credentials; it names components and says ok/unavailable, never why), metrics (an API key or the
 * metrics token), the OpenAPI document and the explorer page (open: they describe the API, they hold no data).
 */
import type { Metrics } from '../../metrics/index.js';
import { DOCS_HTML } from '../docs-page.js';
import { errorResponse, healthResponse, readyResponse } from '../schemas.js';
import type { ApiContext } from '../types.js';
import { type ApiRoute, defineRoute } from './define.js';

export interface OperationsDeps {
  context: ApiContext;
  metrics: Metrics;
  components: Readonly<Record<string, string>>;
  readyTimeoutMs: number;
  draining: () => boolean;
  openApi: () => unknown;
  logger: { warn(obj: object, msg: string): void };
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function operationRoutes(deps: OperationsDeps): ApiRoute[] {
  const health = (path: string, operationId: string) =>
    defineRoute({
      method: 'get',
      path,
      operationId,
      summary: path === '/health' ? 'Alive (no credentials needed)' : 'Alias of /health',
      tag: 'operations',
      auth: 'none',
      responses: { 200: { description: 'The process is up', schema: healthResponse } },
      async handle() {
        return { status: 200, body: { status: 'ok', components: deps.components } };
      },
    });

  const check = async (name: string, probe: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await within(deps.readyTimeoutMs, probe());
      return [name, { status: 'ok' as const, elapsedMs: Math.round(performance.now() - started) }] as const;
    } catch (error) {
      deps.logger.warn({ component: name, err: error instanceof Error ? error.message : String(error) }, 'not ready');
      return [name, { status: 'unavailable' as const, elapsedMs: Math.round(performance.now() - started) }] as const;
    }
  };

  return [
    health('/health', 'health'),
    health('/healthz', 'healthz'),
    defineRoute({
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Ready: the memory store and every configured database answer (503 when not, or while shutting down)',
      tag: 'operations',
      auth: 'none',
      responses: {
        200: { description: 'Ready', schema: readyResponse },
        503: { description: 'Not ready', schema: readyResponse },
      },
      async handle() {
        const { context } = deps;
        const results = await Promise.all([
          check('memory', async () => (await context.memory()).listInvestigations({ limit: 1 })),
          ...context.config.connections.map((c) =>
            check(`db:${c.name}`, async () => (await context.source(c.name)).ping()),
          ),
        ]);
        const components: Record<string, { status: 'ok' | 'unavailable'; elapsedMs: number }> =
          Object.fromEntries(results);
        if (deps.draining()) components.server = { status: 'unavailable', elapsedMs: 0 };
        const ready = Object.values(components).every((c) => c.status === 'ok');
        return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', components } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (docs/metrics.md); an API key or the metrics token (SLEUTH_METRICS_TOKEN)',
      tag: 'operations',
      auth: 'metrics',
      responses: {
        200: { description: 'Prometheus text exposition format', contentType: 'text/plain' },
        401: { description: 'No valid key or metrics token', schema: errorResponse },
      },
      async handle({ res }) {
        const { contentType, body } = await deps.metrics.scrape();
        res.status(200).type(contentType).send(body);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This document',
      tag: 'operations',
      auth: 'none',
      responses: { 200: { description: 'OpenAPI 3.1' } },
      async handle() {
        return { status: 200, body: deps.openApi() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'docs',
      summary: 'API explorer (works offline: one page, no external scripts)',
      tag: 'operations',
      auth: 'none',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      async handle({ res }) {
        res
          .status(200)
          .set({
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy':
              "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            'x-content-type-options': 'nosniff',
          })
          .send(DOCS_HTML);
        return undefined;
      },
    }),
  ];
}

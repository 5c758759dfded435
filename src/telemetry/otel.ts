/**
 * The OpenTelemetry adapter of the tracer port: the SDK's tracer provider with a batching OTLP/HTTP (JSON) exporter.
 * Loaded with dynamic imports only when tracing is configured, so the default costs nothing. The span context is kept
 * in an AsyncLocalStorage owned by this tracer (no global context manager or provider is registered): a span started
 * while another one's work runs becomes its child, across awaits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Context } from '@opentelemetry/api';
import type { Logger } from '../common/logger.js';
import type { TracingConfig } from '../config/index.js';
import type { SpanAttributes, Tracer, TraceSpan } from './tracer.js';

export interface OtelTracerOptions {
  /** How long the batch processor waits before exporting (default 2000 ms; close() always flushes). */
  scheduledDelayMs?: number;
}

export async function startOtelTracer(
  config: TracingConfig,
  logger: Logger,
  options: OtelTracerOptions = {},
): Promise<Tracer> {
  const [api, sdk, otlp, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  const exporter = new otlp.OTLPTraceExporter({ url: config.endpoint, headers: { ...config.headers } });
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': version }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: options.scheduledDelayMs ?? 2000 })],
  });
  const tracer = provider.getTracer('sleuth', version);
  const active = new AsyncLocalStorage<Context>();
  logger.info({ endpoint: new URL(config.endpoint).origin, service: config.serviceName }, 'tracing on (OTLP/HTTP)');

  return {
    enabled: true,
    span(name, attributes, work) {
      const parent = active.getStore() ?? api.ROOT_CONTEXT;
      const span = tracer.startSpan(name, { attributes: defined(attributes) }, parent);
      const handle: TraceSpan = { setAttributes: (more) => span.setAttributes(defined(more)) };
      return active.run(api.trace.setSpan(parent, span), async () => {
        try {
          return await work(handle);
        } catch (error) {
          const code = errorCode(error);
          span.setAttributes({ 'error.type': code });
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: code });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: String(error) }, 'trace export failed'));
    },
  };
}

function defined(attributes: SpanAttributes): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? [...value] : (value as string | number | boolean);
  }
  return out;
}

/** A stable code for the span status: our error codes, else the error's class name. Messages can quote data. */
function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return (error as Error).name ?? 'Error';
  }
  return 'Error';
}

/**
 * Tracing: the tracer port and its no-op default, and startTracing() for the OpenTelemetry adapter (loaded only when
 * tracing is configured).
 */
import type { Logger } from '../common/logger.js';
import type { TracingConfig } from '../config/index.js';
import { NOOP_TRACER, type Tracer } from './tracer.js';

export {
  dbSystemName,
  NOOP_TRACER,
  type SpanAttributes,
  type SpanAttributeValue,
  type Tracer,
  type TraceSpan,
} from './tracer.js';

/** The configured tracer: NOOP_TRACER when tracing is off, else OpenTelemetry with the OTLP/HTTP exporter. */
export async function startTracing(
  config: TracingConfig | undefined,
  logger: Logger,
  options: { scheduledDelayMs?: number } = {},
): Promise<Tracer> {
  if (!config) return NOOP_TRACER;
  const { startOtelTracer } = await import('./otel.js');
  return startOtelTracer(config, logger, options);
}

/**
 * The tracer port: spans for investigations, steps, model calls, tools and SQL statements, created in the engine's
 * existing seams. Off by default: NOOP_TRACER runs the work and nothing else (no OpenTelemetry SDK is loaded). When
 * tracing is configured, startTracing() loads the SDK and an OTLP/HTTP exporter (src/telemetry/otel.ts).
 *
 * What may go into attributes: ids, names (connection, dialect, tool, model), counts and codes. Never SQL parameters,
 * result values, error messages from a database (they can quote data) or secrets; SQL text neither (see
 * docs/operations.md, Tracing): a statement's literals carry what users typed and what verified queries filled in,
 * so spans carry a fingerprint of the text instead, and the audit log in Sleuth's memory keeps the text behind its
 * own access.
 */
export type SpanAttributeValue = string | number | boolean | readonly string[];
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | undefined>>;

export interface TraceSpan {
  setAttributes(attributes: SpanAttributes): void;
}

export interface Tracer {
  /** False for the no-op tracer: callers may skip work done only for attributes. */
  readonly enabled: boolean;
  /**
   * Runs `work` inside a new span, a child of the span whose work is running (or the root of a new trace), and ends
   * the span when `work` settles; a thrown error marks it failed with the error's code (never its message).
   */
  span<T>(name: string, attributes: SpanAttributes, work: (span: TraceSpan) => Promise<T>): Promise<T>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

const NOOP_SPAN: TraceSpan = { setAttributes: () => undefined };

export const NOOP_TRACER: Tracer = {
  enabled: false,
  span: (_name, _attributes, work) => work(NOOP_SPAN),
  shutdown: async () => undefined,
};

/** OpenTelemetry's `db.system.name` for a Sleuth dialect. */
export function dbSystemName(dialect: string): string {
  return dialect === 'postgres' ? 'postgresql' : dialect;
}

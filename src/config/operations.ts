import { parseInteger } from './env.js';
import type { ConfigFile } from './schema.js';

/** How a serving process works the job queue. */
export interface WorkersConfig {
  /** Investigations one worker process runs at once (SLEUTH_WORKER_CONCURRENCY, default 8). */
  readonly concurrency: number;
}

/**
 * Connections to a PostgreSQL memory store (SLEUTH_MEMORY_POOL_SIZE, memory.poolSize). Each running investigation holds
 * at most one (its event batch in flight), the API, limits and audit the rest: the default is the worker concurrency
 * plus 4, at most 20 (PostgreSQL's default max_connections is 100, shared by every process).
 */
export function readMemoryPoolSize(
  values: Map<string, string>,
  file: ConfigFile,
  workers: WorkersConfig,
  problems: string[],
): number {
  const raw = values.get('SLEUTH_MEMORY_POOL_SIZE');
  if (raw !== undefined) {
    const parsed = parseInteger(raw);
    if (parsed !== undefined && parsed >= 1 && parsed <= 200) return parsed;
    problems.push(`SLEUTH_MEMORY_POOL_SIZE must be a whole number from 1 to 200, got "${raw.slice(0, 40)}".`);
  }
  return file.memory?.poolSize ?? defaultMemoryPoolSize(workers.concurrency);
}

export function defaultMemoryPoolSize(concurrency: number): number {
  return Math.min(20, concurrency + 4);
}

/** OpenTelemetry trace export over OTLP/HTTP; undefined (the default) means tracing is off and costs nothing. */
export interface TracingConfig {
  /** The full traces URL (…/v1/traces). */
  readonly endpoint: string;
  /** Sent with every export (e.g. a vendor's API key header); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
}

export function readWorkersConfig(values: Map<string, string>, file: ConfigFile, problems: string[]): WorkersConfig {
  const raw = values.get('SLEUTH_WORKER_CONCURRENCY');
  let concurrency = file.workers?.concurrency ?? 8;
  if (raw !== undefined) {
    const parsed = parseInteger(raw);
    if (parsed === undefined || parsed < 1 || parsed > 256)
      problems.push(`SLEUTH_WORKER_CONCURRENCY must be a whole number from 1 to 256, got "${raw.slice(0, 40)}".`);
    else concurrency = parsed;
  }
  return { concurrency };
}

/**
 * The standard OpenTelemetry variables (they win over the file's `tracing` section): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces), OTEL_EXPORTER_OTLP_[TRACES_]HEADERS (`k=v,k2=v2`),
 * OTEL_SERVICE_NAME, and the off switches OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none.
 */
export function readTracingConfig(
  values: Map<string, string>,
  file: ConfigFile,
  problems: string[],
): TracingConfig | undefined {
  if (values.get('OTEL_SDK_DISABLED')?.trim().toLowerCase() === 'true') return undefined;
  const exporter = values.get('OTEL_TRACES_EXPORTER')?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter !== undefined && exporter !== 'otlp') {
    problems.push(`OTEL_TRACES_EXPORTER must be otlp or none (Sleuth exports over OTLP/HTTP), got "${exporter}".`);
    return undefined;
  }
  const protocol = (values.get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? values.get('OTEL_EXPORTER_OTLP_PROTOCOL'))
    ?.trim()
    .toLowerCase();
  if (protocol !== undefined && protocol !== 'http/json' && protocol !== 'http/protobuf') {
    problems.push(
      `Sleuth exports traces over OTLP/HTTP (JSON); OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: point it at the collector's HTTP port (4318).`,
    );
    return undefined;
  }
  const base = values.get('OTEL_EXPORTER_OTLP_ENDPOINT');
  const endpoint =
    values.get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ??
    (base !== undefined ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined) ??
    file.tracing?.endpoint;
  if (endpoint === undefined) return undefined;
  if (!/^https?:\/\//.test(endpoint)) {
    problems.push('The OTLP traces endpoint must be an http:// or https:// URL.');
    return undefined;
  }
  const headers: Record<string, string> = { ...file.tracing?.headers };
  for (const key of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const raw = values.get(key);
    if (raw !== undefined) Object.assign(headers, parseHeaders(key, raw, problems));
  }
  return {
    endpoint,
    headers,
    serviceName: values.get('OTEL_SERVICE_NAME') ?? file.tracing?.serviceName ?? 'sleuth',
  };
}

function parseHeaders(key: string, raw: string, problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push(`${key} must be comma-separated name=value pairs.`);
      continue;
    }
    try {
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      problems.push(`${key} has a badly percent-encoded pair.`);
    }
  }
  return headers;
}

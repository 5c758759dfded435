import type { ConnectionConfigDraft } from './draft.js';
import { GUARDRAIL_ENV_VARS } from './guardrails.js';
import { closest } from './suggest.js';

/**
 * Environment variables Sleuth reads. Any other `SLEUTH_*` variable is an error (with a suggestion), so a typo in a
 * safety setting cannot be silently ignored. `SLEUTH_TEST_*` is reserved for the test suite and ignored here.
 */
export const KNOWN_ENV_VARS: Readonly<Record<string, string>> = {
  SLEUTH_CONFIG: 'path of the config file (default: sleuth.config.{json,yaml,yml} in the working directory)',
  SLEUTH_MCP_CONFIG: 'path of mcp.json, the external MCP servers behind mcp:// connections (default ./mcp.json)',
  SLEUTH_DEFAULT_DB: 'name of the connection used when none is given',
  SLEUTH_TIMEOUT_MS: 'default statement timeout in milliseconds (30000)',
  SLEUTH_MAX_ROWS: 'default row cap per statement (10000)',
  SLEUTH_DATA_DIR: 'where Sleuth keeps its files (default .sleuth)',
  SLEUTH_LOG_LEVEL: 'fatal|error|warn|info|debug|trace|silent',
  SLEUTH_NOW: 'pins "now" (ISO date or timestamp) for the demo data and relative dates',
  SLEUTH_LLM_PROVIDER: 'anthropic|openai-compatible|scripted (default: anthropic when ANTHROPIC_API_KEY is set)',
  SLEUTH_MODEL: 'model name (default claude-sonnet-4-6 for anthropic)',
  SLEUTH_LLM_BASE_URL: 'base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp, OpenRouter)',
  SLEUTH_LLM_API_KEY: 'API key for the OpenAI-compatible server, if it needs one',
  SLEUTH_SCRIPT: 'turns file for the scripted provider (tests, evals, demos)',
  SLEUTH_MAX_STEPS: 'investigation step budget (15)',
  SLEUTH_MAX_SQL_RUNS: 'SQL statements per investigation (25)',
  SLEUTH_MAX_WALL_MS: 'wall time per investigation in milliseconds (120000)',
  SLEUTH_MAX_TOKENS: 'model tokens per investigation (200000)',
  SLEUTH_MAX_COST_USD: 'estimated model cost per investigation in USD (1.00)',
  SLEUTH_KNOWLEDGE_DIR: 'folder of verified queries, glossary and docs (default ./knowledge)',
  SLEUTH_FAQ_THRESHOLD: 'confidence (0-1) above which the FAQ tier answers from a verified query (0.7)',
  SLEUTH_EMBEDDINGS_DIR: 'local model folder for embeddings (transformers.js layout); unset = lexical retrieval only',
  SLEUTH_EMBEDDINGS_MODEL: 'embeddings model under SLEUTH_EMBEDDINGS_DIR (default Xenova/bge-small-en-v1.5)',
  ...GUARDRAIL_ENV_VARS,
  SLEUTH_PII_MODEL_VIEW:
    'what the model sees of query results: masked (default) or raw; people always see masked values',
  SLEUTH_POLICY_FILE: "YAML or JSON file with the access policy (overrides the config file's policy key)",
  SLEUTH_WORKER_CONCURRENCY: 'investigations one worker process (sleuth serve --role worker|all) runs at once (8)',
  SLEUTH_MEMORY_POOL_SIZE:
    'connections to a PostgreSQL memory store per process (default: worker concurrency + 4, at most 20)',
  SLEUTH_API_TOKENS:
    'static HTTP API bearer tokens as name:token or name:token:admin (role; default member), comma separated (tokens >= 32 characters)',
  SLEUTH_METRICS_TOKEN: 'a bearer token that may only read /metrics (>= 32 characters)',
  SLEUTH_LOCALE: 'how numbers are written for readers in Slack (BCP 47, default en-US: 1,234.5)',
  SLEUTH_CURRENCY: 'ISO 4217 currency of money columns (revenue, amount, cost...) in Slack answers (default USD)',
};

/** Variables outside the SLEUTH_ namespace that Sleuth reads, by the names their own tools use. */
export const FOREIGN_ENV_VARS: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: 'Anthropic API key (selects the anthropic provider)',
  ANTHROPIC_BASE_URL: 'Anthropic API base URL, as the SDK reads it (proxies, tests)',
  DATABASE_URL: 'PostgreSQL URL for Sleuth memory (default: embedded PGlite under .sleuth/memory)',
  QDRANT_URL: 'Qdrant URL for the vector index (default: embedded index in Sleuth memory)',
  QDRANT_API_KEY: 'Qdrant API key, if the server needs one',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OpenTelemetry collector base URL (OTLP/HTTP); traces go to <url>/v1/traces',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'full OTLP/HTTP traces URL (wins over OTEL_EXPORTER_OTLP_ENDPOINT)',
  OTEL_EXPORTER_OTLP_HEADERS: 'headers for every OTLP export, name=value pairs separated by commas',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'headers for trace exports (added to OTEL_EXPORTER_OTLP_HEADERS)',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json or http/protobuf (Sleuth sends JSON over HTTP either way)',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'as OTEL_EXPORTER_OTLP_PROTOCOL, for traces',
  OTEL_SERVICE_NAME: 'service.name of the exported spans (default sleuth)',
  OTEL_TRACES_EXPORTER: 'otlp (default when an endpoint is set) or none',
  OTEL_SDK_DISABLED: 'true turns tracing off whatever else is set',
};

/** Per-connection variables: SLEUTH_DB_<NAME>_URL, _TIMEOUT_MS, _MAX_ROWS. */
const CONNECTION_ENV = /^SLEUTH_DB_([A-Z][A-Z0-9_]*?)_(URL|TIMEOUT_MS|MAX_ROWS)$/;

export interface EnvReading {
  connections: Map<string, Partial<ConnectionConfigDraft>>;
  values: Map<string, string>;
  problems: string[];
  /** Kubernetes service-link variables that were ignored (for a debug log line). */
  ignored: string[];
}

export function readSleuthEnv(env: Readonly<Record<string, string | undefined>>): EnvReading {
  const reading: EnvReading = { connections: new Map(), values: new Map(), problems: [], ignored: [] };
  for (const [key, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    if (key in FOREIGN_ENV_VARS) {
      if (raw !== '') reading.values.set(key, raw);
      continue;
    }
    if (!key.startsWith('SLEUTH_') || key.startsWith('SLEUTH_TEST_')) continue;
    const match = CONNECTION_ENV.exec(key);
    if (match) {
      readConnectionVar(reading, key, match[1]!.toLowerCase(), match[2]!, raw);
    } else if (key in KNOWN_ENV_VARS) {
      reading.values.set(key, raw);
    } else if (isServiceLink(key, raw)) {
      reading.ignored.push(key);
    } else if (key === 'SLEUTH_PORT') {
      reading.problems.push('SLEUTH_PORT is not a Sleuth setting (did you mean PORT, or sleuth serve --port?).');
    } else {
      reading.problems.push(`${key} is not a Sleuth setting${suggest(key)}.`);
    }
  }
  return reading;
}

function readConnectionVar(reading: EnvReading, key: string, name: string, field: string, raw: string): void {
  const draft = reading.connections.get(name) ?? {};
  if (field === 'URL') draft.url = raw;
  else {
    const value = parseInteger(raw);
    if (value === undefined) {
      reading.problems.push(`${key} must be a whole number, got "${raw.slice(0, 40)}".`);
      return;
    }
    if (field === 'TIMEOUT_MS') draft.timeoutMs = value;
    else draft.maxRows = value;
  }
  reading.connections.set(name, draft);
}

export function parseInteger(raw: string): number | undefined {
  return /^\s*\d+\s*$/.test(raw) ? Number.parseInt(raw, 10) : undefined;
}

function suggest(key: string): string {
  const best = closest(key, [
    ...Object.keys(KNOWN_ENV_VARS),
    'SLEUTH_DB_<NAME>_URL',
    'SLEUTH_DB_<NAME>_TIMEOUT_MS',
    'SLEUTH_DB_<NAME>_MAX_ROWS',
  ]);
  if (best) return ` (did you mean ${best}?)`;
  if (key.startsWith('SLEUTH_DB_')) return ' (connection variables are SLEUTH_DB_<NAME>_URL, _TIMEOUT_MS or _MAX_ROWS)';
  return '';
}

/**
 * Kubernetes injects service-link variables for a Service named `sleuth` into every pod of its namespace
 * (SLEUTH_SERVICE_HOST, SLEUTH_SERVICE_PORT[_<NAME>], SLEUTH_PORT=tcp://..., SLEUTH_PORT_<N>_TCP[_ADDR|_PORT|_PROTO]).
 * Exactly these shapes are ignored; everything else in the namespace stays strict.
 */
function isServiceLink(key: string, raw: string): boolean {
  if (key === 'SLEUTH_PORT') return /^(tcp|udp|sctp):\/\/[^\s/]+:\d{1,5}$/.test(raw);
  return (
    /^SLEUTH_SERVICE_(HOST|PORT|PORT_[A-Z0-9_]+)$/.test(key) ||
    /^SLEUTH_PORT_\d{1,5}_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?$/.test(key)
  );
}

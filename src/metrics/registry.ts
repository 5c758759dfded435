/**
 * Prometheus metrics, one registry per server (never prom-client's global one), so tests and several servers in one
 * process each count their own. The names are a contract with deploy/ dashboards: see docs/metrics.md.
 */
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import type { SleuthObserver } from './observer.js';

export type QueueDepthSource = () => Promise<{ queued: number; running: number }>;

export interface MetricsOptions {
  /** Read at each scrape for sleuth_queue_depth. */
  queueDepth?: QueueDepthSource;
  /** Process metrics (CPU, memory, event loop, GC) with the sleuth_ prefix; default true. */
  processMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Feeds the engine, SQL, FAQ and Slack metrics; add it to the context's observers. */
  readonly observer: SleuthObserver;
  /** One finished HTTP request (route is the pattern, e.g. /api/v1/investigations/:id). */
  httpRequest(info: { method: string; route: string; status: number; seconds: number }): void;
  /** Replaces the queue depth source (e.g. once the job service exists). */
  setQueueDepth(source: QueueDepthSource | undefined): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SECONDS_SLOW = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  // prom-client loads with the first registry (serve), not with the composition root every command imports
  const { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } = createRequire(import.meta.url)(
    'prom-client',
  ) as typeof import('prom-client');
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'sleuth_' });
  let queueDepth = options.queueDepth;

  const investigations = new Counter({
    name: 'sleuth_investigations_total',
    help: 'Investigations finished, by final status (succeeded, failed, cancelled).',
    labelNames: ['status'],
    registers,
  });
  const running = new Gauge({
    name: 'sleuth_investigations_running',
    help: 'Investigations running in this process.',
    registers,
  });
  const duration = new Histogram({
    name: 'sleuth_investigation_duration_seconds',
    help: 'Recorded investigation duration (started to finished), by final status.',
    labelNames: ['status'],
    buckets: SECONDS_SLOW,
    registers,
  });
  const steps = new Histogram({
    name: 'sleuth_investigation_steps',
    help: 'Steps (model turns) per finished investigation.',
    buckets: [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30],
    registers,
  });
  const sqlStatements = new Counter({
    name: 'sleuth_sql_statements_total',
    help: 'SQL statements through the guard and the read-only executor, by connection and outcome (ok, rejected, error).',
    labelNames: ['connection', 'outcome'],
    registers,
  });
  const sqlDuration = new Histogram({
    name: 'sleuth_sql_duration_seconds',
    help: 'Duration of SQL statements that ran, by connection.',
    labelNames: ['connection'],
    buckets: SECONDS_FAST,
    registers,
  });
  const guardRejections = new Counter({
    name: 'sleuth_guard_rejections_total',
    help: 'Statements the SQL guard refused, by guard code.',
    labelNames: ['code'],
    registers,
  });
  const faq = new Counter({
    name: 'sleuth_faq_requests_total',
    help: 'FAQ tier lookups by result (hit: answered from a verified query, ask_back, miss).',
    labelNames: ['result'],
    registers,
  });
  const tokens = new Counter({
    name: 'sleuth_model_tokens_total',
    help: 'Model tokens used by finished investigations, by provider, model and direction (input, output).',
    labelNames: ['provider', 'model', 'direction'],
    registers,
  });
  const cost = new Counter({
    name: 'sleuth_model_cost_usd_total',
    help: 'Estimated model cost of finished investigations in USD, by provider and model.',
    labelNames: ['provider', 'model'],
    registers,
  });
  const slackCalls = new Counter({
    name: 'sleuth_slack_api_calls_total',
    help: 'Slack Web API calls by method and final outcome (ok, error, rate_limited).',
    labelNames: ['method', 'outcome'],
    registers,
  });
  const slackLimited = new Counter({
    name: 'sleuth_slack_rate_limited_total',
    help: 'HTTP 429 answers from the Slack Web API, by method (retried ones included).',
    labelNames: ['method'],
    registers,
  });
  new Gauge({
    name: 'sleuth_queue_depth',
    help: 'Investigation jobs by state (queued, running), read from the job queue at scrape time.',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!queueDepth) return;
      try {
        const depth = await queueDepth();
        this.set({ state: 'queued' }, depth.queued);
        this.set({ state: 'running' }, depth.running);
      } catch {
        // a scrape must not fail because the queue is unreachable; the series keep their last values
      }
    },
  });
  const httpRequests = new Counter({
    name: 'sleuth_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: 'sleuth_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern (streams: until they end).',
    labelNames: ['method', 'route'],
    buckets: [...SECONDS_FAST, 60, 300],
    registers,
  });

  const observer: SleuthObserver = {
    investigationStarted() {
      running.inc();
    },
    investigationEnded({ finished }) {
      running.dec();
      if (!finished) return;
      investigations.inc({ status: finished.status });
      duration.observe({ status: finished.status }, finished.durationMs / 1000);
      steps.observe(finished.steps);
      const provider = finished.provider ?? 'none';
      const model = finished.model ?? 'none';
      if (finished.inputTokens > 0) tokens.inc({ provider, model, direction: 'input' }, finished.inputTokens);
      if (finished.outputTokens > 0) tokens.inc({ provider, model, direction: 'output' }, finished.outputTokens);
      if (finished.costUsd > 0) cost.inc({ provider, model }, finished.costUsd);
    },
    sqlStatement({ connection, outcome, durationMs, guardCode }) {
      sqlStatements.inc({ connection, outcome });
      if (outcome === 'ok') sqlDuration.observe({ connection }, durationMs / 1000);
      if (outcome === 'rejected') guardRejections.inc({ code: guardCode ?? 'UNKNOWN' });
    },
    faqRequest({ result }) {
      faq.inc({ result });
    },
    slackCall({ method, outcome }) {
      slackCalls.inc({ method, outcome });
    },
    slackRateLimited({ method }) {
      slackLimited.inc({ method });
    },
  };

  return {
    registry,
    observer,
    httpRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    setQueueDepth(source) {
      queueDepth = source;
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

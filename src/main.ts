/**
 * Composition root: load config, build adapters, wire them. The only place that turns env into objects; every
 * front end (CLI today; Slack, HTTP and MCP later) gets a SleuthContext and nothing global.
 */
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { recordFaqAnswer } from './agent/faq-investigation.js';
import {
  type CircuitBreaker,
  createCircuitBreaker,
  createInvestigationTarget,
  createLimiter,
  type InvestigateRequest,
  type InvestigationEvent,
  type InvestigationOutcome,
  investigate,
  type Limiter,
  type ModelProvider,
  type QueryCache,
} from './agent/index.js';
import { createModelProvider } from './agent/models/from-config.js';
import type { Actor } from './common/actor.js';
import { createLogger, type Logger, withCorrelation } from './common/logger.js';
import { DEMO_CONNECTION_NAME, loadConfig, type SleuthConfig } from './config/index.js';
import {
  createDataSource,
  createDataSourceRegistry,
  type DataSource,
  type DataSourceRegistry,
  parseConnectionUrl,
} from './datasources/index.js';
import { ensureDemoSqlite } from './demo/index.js';
import {
  createInProcessEventBus,
  createInProcessQueue,
  createInvestigationService,
  createInvestigationWorker,
  type InvestigationService,
  type JobQueue,
} from './jobs/index.js';
import {
  createEmbeddedVectorIndex,
  createKnowledgeBase,
  createLocalEmbedder,
  createQdrantVectorIndex,
  type KnowledgeBase,
} from './knowledge/index.js';
import { cacheKey, type MemoryStore, openMemoryStore } from './memory/index.js';
import {
  createObserverHub,
  type ObserverHub,
  observeExecutor,
  observeFaq,
  observeInvestigation,
} from './metrics/index.js';
import {
  createSqlExecutor,
  createSqlGuard,
  type ExecutedQuery,
  type QueryResult,
  type SqlDialect,
  type SqlExecutor,
} from './sql/index.js';
import { createSchemaInspector, type TableDescription } from './sql/introspect/index.js';
import type { SqlGuard } from './sql/types.js';

export interface SleuthContext {
  readonly config: SleuthConfig;
  readonly logger: Logger;
  readonly guard: SqlGuard;
  readonly executor: SqlExecutor;
  /** A connected data source by configured name, or an ad hoc one from a URL; default connection when omitted. */
  source(nameOrUrl?: string): Promise<DataSource>;
  /** The SQLite demo database (built on first use), whatever the configured connections are. */
  demoSource(): Promise<DataSource>;
  /** The memory store (embedded PGlite under the data dir, or DATABASE_URL), opened once. */
  memory(): Promise<MemoryStore>;
  /** The knowledge base (verified queries, glossary, docs, schema index), loaded and checked on first use. */
  knowledge(): Promise<KnowledgeBase>;
  /** The configured model; throws MODEL_NOT_CONFIGURED with setup help when none is. */
  model(): ModelProvider;
  /** Investigates a question on a connection, yielding the recorded events. */
  ask(request: AskRequest): AsyncGenerator<InvestigationEvent, InvestigationOutcome>;
  /**
   * One statement from a front end (CLI `sql`, HTTP API, MCP `run_sql`), for an actor: the guard, then the read-only
   * executor, and every guardrail that applies to that actor. Front ends never call the executor directly.
   */
  runSql(request: RunSqlRequest): Promise<ExecutedQuery & { connection: string }>;
  /** The schema of a connection (or one table) as the actor may see it. */
  schema(request: SchemaRequest): Promise<SchemaView>;
  /**
   * Investigations as jobs for the HTTP API, WebSocket and MCP: start, watch, cancel. Embedded default: an in-process
   * queue and event bus, worked by this process.
   */
  investigations(): Promise<InvestigationService>;
  /**
   * Observers of the engine's work (metrics, tracing): investigations, every SQL statement, FAQ lookups. Add one with
   * `observers.add(...)`; front ends report what only they see (the Slack app's Web API calls) through it too.
   */
  readonly observers: ObserverHub;
  /** Stops taking jobs, waits up to `graceMs` (default 30 s) for running investigations, then closes every pool. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const QUERY_CACHE_TTL_MS = 5 * 60_000;
/** Investigations one process runs at once from the job queue. */
const JOB_CONCURRENCY = 8;
/** How long close() waits for running jobs before it closes the pools under them. */
const JOB_SHUTDOWN_GRACE_MS = 30_000;

export interface AskRequest extends InvestigateRequest {
  /** Connection name or URL; the default connection when omitted. */
  db?: string;
  /** An already open source (e.g. the demo database), instead of `db`. */
  source?: DataSource;
  /** false: skip the FAQ tier and always investigate with the model. */
  faq?: boolean;
}

export interface RunSqlRequest {
  sql: string;
  actor: Actor;
  /** Connection name or URL; the default connection when omitted. */
  db?: string;
}

export interface SchemaRequest {
  actor: Actor;
  db?: string;
  /** Describe only this table. */
  table?: string;
}

export interface SchemaView {
  connection: string;
  dialect: SqlDialect;
  tables: TableDescription[];
}

export interface CreateSleuthContextOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logDestination?: DestinationStream;
}

export async function createSleuthContext(options: CreateSleuthContextOptions): Promise<SleuthContext> {
  const config = loadConfig({ env: options.env, cwd: options.cwd });
  // One correlation id per context (one CLI invocation; later one request or investigation), on every log line.
  const logger = withCorrelation(createLogger({ level: config.logLevel, destination: options.logDestination }));
  const guard = await createSqlGuard();
  const observers = createObserverHub();
  // every statement, whoever sent it, is observed here: one place for SQL and guard metrics
  const executor = observeExecutor(createSqlExecutor({ guard, logger }), observers);
  const registry: DataSourceRegistry = createDataSourceRegistry(config.connections, { logger });
  const adHoc: DataSource[] = [];

  async function source(nameOrUrl?: string): Promise<DataSource> {
    const wanted = nameOrUrl ?? config.defaultConnection;
    if (wanted.includes(':')) {
      const { dialect } = parseConnectionUrl(wanted);
      const created = createDataSource({ name: 'adhoc', url: wanted, dialect, ...config.defaults }, { logger });
      adHoc.push(created);
      return created;
    }
    if (config.usesDemoConnection && wanted === config.defaultConnection) {
      await ensureDemoSqlite({ dataDir: config.dataDir, now: config.now, logger });
    }
    return registry.get(wanted);
  }

  let demo: Promise<DataSource> | undefined;
  function demoSource(): Promise<DataSource> {
    demo ??= openDemoSource();
    demo.catch(() => {
      demo = undefined;
    });
    return demo;
  }

  async function openDemoSource(): Promise<DataSource> {
    const path = await ensureDemoSqlite({ dataDir: config.dataDir, now: config.now, logger });
    const created = createDataSource(
      { name: 'demo', url: `sqlite:${path}`, dialect: 'sqlite', ...config.defaults },
      { logger },
    );
    adHoc.push(created);
    return created;
  }

  let memoryOpening: Promise<MemoryStore> | undefined;
  function memory(): Promise<MemoryStore> {
    memoryOpening ??= (async () => {
      const store = await openMemoryStore({
        url: config.memoryUrl,
        dataDir: config.memoryUrl ? undefined : join(config.dataDir, 'memory'),
        logger,
      });
      const interrupted = await store.markInterrupted();
      if (interrupted > 0)
        logger.warn({ interrupted }, 'investigations left running by a previous process are marked interrupted');
      return store;
    })();
    return memoryOpening;
  }

  let knowledgeOpening: Promise<KnowledgeBase> | undefined;
  function knowledge(): Promise<KnowledgeBase> {
    knowledgeOpening ??= (async () => {
      const store = await memory();
      const settings = config.knowledge;
      const vectorIndex = settings.qdrantUrl
        ? createQdrantVectorIndex({ url: settings.qdrantUrl, apiKey: settings.qdrantApiKey, logger })
        : createEmbeddedVectorIndex(store.knowledge);
      const embedder = settings.embeddingsDir
        ? createLocalEmbedder({ modelDir: settings.embeddingsDir, model: settings.embeddingsModel })
        : null;
      if (!embedder) logger.info('no embeddings model configured (SLEUTH_EMBEDDINGS_DIR): lexical retrieval only');
      const base = createKnowledgeBase({
        dir: settings.dir,
        memory: store.knowledge,
        executor,
        // The starter knowledge targets the demo database, reachable as "demo" even when other connections exist.
        source: (name) =>
          name === DEMO_CONNECTION_NAME && !config.connections.some((c) => c.name === name)
            ? demoSource()
            : source(name),
        defaultConnection: config.defaultConnection,
        logger,
        now: () => config.now ?? new Date(),
        vectorIndex,
        embedder,
        faq: { threshold: settings.faqThreshold },
      });
      return observeFaq(base, observers);
    })();
    knowledgeOpening.catch(() => {
      knowledgeOpening = undefined;
    });
    return knowledgeOpening;
  }

  let provider: ModelProvider | undefined;
  const model = (): ModelProvider => {
    provider ??= createModelProvider(config.model, logger);
    return provider;
  };
  const limiters = new Map<string, { limiter: Limiter; breaker: CircuitBreaker }>();
  const modelBreaker = createCircuitBreaker({ name: 'model' });

  function ask(request: AskRequest): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
    const connection = request.source?.name ?? request.db ?? config.defaultConnection;
    return observeInvestigation(
      observers,
      connection.includes(':') ? 'adhoc' : connection,
      askUnobserved(request),
      async (id) => (await memory()).getInvestigation(id),
    );
  }

  async function* askUnobserved(request: AskRequest): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
    const dataSource = request.source ?? (await source(request.db));
    let knowledgeContext: string | undefined;
    if (request.faq !== false) {
      const kb = await knowledge();
      const outcome = await kb.answerFaq({ question: request.question, connection: dataSource.name });
      if (outcome.kind !== 'miss') {
        const store = await memory();
        await store
          .appendAudit({
            actor: request.userId ?? request.actor?.id ?? null,
            action: 'faq',
            connection: dataSource.name,
            sql: outcome.kind === 'answered' ? outcome.sql : null,
            verdict: outcome.kind === 'answered' ? 'allowed' : null,
            detail: { question: request.question, verifiedQuery: outcome.verifiedQuery.name, outcome: outcome.kind },
          })
          .catch((error: unknown) => logger.warn({ err: String(error) }, 'audit write failed'));
        return yield* recordFaqAnswer(outcome, { ...request, userId: request.userId ?? request.actor?.id }, store);
      }
      const hits = await kb.search(request.question, { connection: dataSource.name, limit: 3 });
      if (hits.length > 0) {
        knowledgeContext = hits
          .map(
            (h) =>
              `- [${h.kind}] ${h.title}: ${h.text.slice(0, 400)}${h.sql ? `\n  SQL: ${h.sql.replace(/\s+/g, ' ')}` : ''}`,
          )
          .join('\n');
      }
    }
    const provider = model();
    const shared = limiters.get(dataSource.name) ?? {
      limiter: createLimiter(3),
      breaker: createCircuitBreaker({ name: `db:${dataSource.name}` }),
    };
    limiters.set(dataSource.name, shared);
    const store = await memory();
    const target = createInvestigationTarget({
      connection: dataSource.name,
      source: dataSource,
      executor,
      ...shared,
      cache: queryCache(store, dataSource.name),
      knowledge: await knowledge(),
    });
    const today = config.now ? () => config.now!.toISOString().slice(0, 10) : undefined;
    const events = investigate({ ...request, knowledgeContext }, target, {
      model: provider,
      modelBreaker,
      store,
      logger,
      budgets: config.budgets,
      today,
    });
    // Audit: who asked what, and every statement with the guard's verdict, where it ran.
    const sqlByCall = new Map<string, string>();
    const audit = (entry: Parameters<MemoryStore['appendAudit']>[0]) =>
      store.appendAudit(entry).catch((error: unknown) => logger.warn({ err: String(error) }, 'audit write failed'));
    while (true) {
      const next = await events.next();
      if (next.done) return next.value;
      const event = next.value;
      const base = {
        actor: request.userId ?? request.actor?.id ?? null,
        connection: dataSource.name,
        investigationId: event.investigationId,
      };
      if (event.type === 'step_started' && event.step === 1) {
        await audit({ ...base, action: 'ask', detail: { question: request.question } });
      } else if (event.type === 'sql') {
        sqlByCall.set(event.callId, event.sql);
      } else if (event.type === 'sql_result') {
        await audit({ ...base, action: 'sql', sql: sqlByCall.get(event.callId) ?? null, verdict: 'allowed' });
      } else if (event.type === 'sql_error') {
        const verdict = event.code === 'SQL_REJECTED' ? 'rejected' : 'error';
        await audit({
          ...base,
          action: 'sql',
          sql: sqlByCall.get(event.callId) ?? null,
          verdict,
          detail: { code: event.code },
        });
      }
      yield event;
    }
  }

  /**
   * Identical statements on a connection within QUERY_CACHE_TTL_MS reuse the stored result. Only statements the guard
   * allowed and the database answered are cached (the executor runs before any put).
   */
  function queryCache(store: MemoryStore, connection: string): QueryCache {
    const dataVersion = `day:${(config.now ?? new Date()).toISOString().slice(0, 10)}`;
    return {
      async get(sql) {
        return (await store.getCached(cacheKey(connection, dataVersion, sql))) as QueryResult | undefined;
      },
      async put(sql, result) {
        await store.putCached({ connection, dataVersion, sql, result, ttlMs: QUERY_CACHE_TTL_MS });
      },
    };
  }

  let jobs: Promise<{ service: InvestigationService; queue: JobQueue }> | undefined;
  let closing: Promise<void> | undefined;
  function investigations(): Promise<InvestigationService> {
    jobs ??= (async () => {
      const store = await memory();
      const queue = createInProcessQueue();
      const bus = createInProcessEventBus();
      await queue.work(createInvestigationWorker({ run: ask, store, bus, logger }), {
        concurrency: JOB_CONCURRENCY,
      });
      const service = createInvestigationService({
        store,
        queue,
        bus,
        defaultConnection: config.defaultConnection,
      });
      return { service, queue };
    })();
    jobs.catch(() => {
      jobs = undefined;
    });
    return jobs.then((j) => j.service);
  }

  async function runSql(request: RunSqlRequest): Promise<ExecutedQuery & { connection: string }> {
    const dataSource = await source(request.db);
    const result = await executor.execute(dataSource, request.sql);
    return { ...result, connection: dataSource.name };
  }

  async function schema(request: SchemaRequest): Promise<SchemaView> {
    const dataSource = await source(request.db);
    const inspector = createSchemaInspector({ executor, source: dataSource });
    const tables = request.table
      ? [await inspector.describeTable(request.table)]
      : (await inspector.getSchema()).tables;
    return { connection: dataSource.name, dialect: dataSource.dialect, tables };
  }

  return {
    config,
    demoSource,
    memory,
    knowledge,
    model,
    ask,
    runSql,
    schema,
    investigations,
    observers,
    logger,
    guard,
    executor,
    source,
    close(options = {}) {
      closing ??= closeAll(options.graceMs ?? JOB_SHUTDOWN_GRACE_MS);
      return closing;
    },
  };

  /** Once per context: a second close() (e.g. a command's own and withContext's) waits for the first. */
  async function closeAll(graceMs: number): Promise<void> {
    const running = jobs ? await jobs.catch(() => undefined) : undefined;
    await running?.queue.stop({ graceMs });
    const store = memoryOpening ? await memoryOpening.catch(() => undefined) : undefined;
    await Promise.allSettled([registry.closeAll(), ...adHoc.map((s) => s.close()), store?.close()]);
  }
}

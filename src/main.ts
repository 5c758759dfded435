/**
 * Composition root: load config, build adapters, wire them. The only place that turns env into objects; every
 * front end (CLI today; Slack, HTTP and MCP later) gets a SleuthContext and nothing global.
 *
 * Cold start: what only some commands use (the engine, the job queue, the memory store with PGlite, the knowledge
 * base, the demo generator) is imported with `import()` by the builder that first needs it, so `sleuth sql` never
 * loads the engine and `sleuth --help` loads none of this file.
 */
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { recordFaqAnswer } from './agent/faq-investigation.js';
import type {
  CircuitBreaker,
  InvestigateRequest,
  InvestigationEvent,
  InvestigationOutcome,
  Limiter,
  ModelProvider,
  QueryCache,
  SystemPromptTemplate,
} from './agent/index.js';
import { createModelProvider } from './agent/models/from-config.js';
import { readScopeOf } from './agent/privacy.js';
import { type Audit, auditQuestion, createAudit, verdictOf } from './audit/index.js';
import type { Actor } from './common/actor.js';
import { type Clock, systemClock } from './common/clock.js';
import { isSleuthError, UsageError } from './common/errors.js';
import { createLogger, type Logger, withCorrelation } from './common/logger.js';
import { type SecretRedactor, urlPassword } from './common/redact.js';
import {
  configuredSecrets,
  DEMO_CONNECTION_NAME,
  loadConfig,
  queryBudgetFor,
  type SleuthConfig,
} from './config/index.js';
import {
  createDataSource,
  createDataSourceRegistry,
  type DataSource,
  type DataSourceRegistry,
  parseConnectionUrl,
} from './datasources/index.js';
import type { InvestigationService, JobRuntime, ServeRole } from './jobs/index.js';
import { createMemoryJournal, type MemoryJournal } from './journal/index.js';
import type { FaqOutcome, KnowledgeBase } from './knowledge/index.js';
import {
  createLimits,
  housekeepLimits,
  isRefusal,
  type LimitDecision,
  LimitError,
  type TakeRequest,
} from './limits/index.js';
import { createMcpClientPool, type McpClientPool } from './mcp/client/index.js';
import type { LimitsMemory, MemoryStore } from './memory/index.js';
import {
  createObserverHub,
  type ObserverHub,
  observeExecutor,
  observeFaq,
  observeInvestigation,
} from './metrics/index.js';
import { createPiiMasker, type PiiMasker } from './pii/index.js';
import {
  type AccessDecision,
  createPolicyEnforcer,
  createPolicyExplorer,
  guardKnowledgeBase,
  type PolicyEnforcer,
  permissionDenied,
} from './policy/index.js';
import {
  createSqlExecutor,
  createSqlGuard,
  type ExecutedQuery,
  type QueryResult,
  type SqlDialect,
  type SqlExecutor,
  verifySql,
} from './sql/index.js';
import type { TableDescription } from './sql/introspect/index.js';
import type { SqlGuard } from './sql/types.js';
import { startTracing, type Tracer } from './telemetry/index.js';

export interface SleuthContext {
  readonly config: SleuthConfig;
  readonly logger: Logger;
  readonly guard: SqlGuard;
  readonly executor: SqlExecutor;
  /** Spans (OpenTelemetry over OTLP/HTTP when configured; a no-op otherwise). */
  readonly tracer: Tracer;
  /** What this process does with investigations (`sleuth serve --role`); `all` outside serve. */
  readonly role: ServeRole;
  /** The external MCP servers (mcp.json) behind mcp:// connections: started on first use, stopped by close(). */
  readonly mcpClients: McpClientPool;
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
  /**
   * Personal-data masking with the admin's rules (knowledge/sensitive.yaml, loaded on first use) and the configured
   * model view. ask() and runSql() apply it; front ends never need to.
   */
  pii(): Promise<PiiMasker>;
  /** Secret redaction with the configured secrets (connection passwords, API keys, Slack tokens) registered. */
  readonly secrets: SecretRedactor;
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
   * Investigations as jobs for the HTTP API, WebSocket and MCP: start, watch, cancel, depth. With PostgreSQL memory
   * (DATABASE_URL) the queue is durable on that database (pg-boss) and events travel over LISTEN/NOTIFY, so processes
   * of every role share the work; the embedded default is an in-process queue and bus. Roles `worker` and `all` start
   * working the queue on the first call; `api` never runs jobs.
   */
  investigations(): Promise<InvestigationService>;
  /**
   * Rate limits for front ends: the HTTP API calls `limits.take({ kind: 'api', key: apiKeyId }, actor)` once per
   * request and answers 429 with Retry-After (`retryAfterMs`) when refused; refusals are audited here.
   */
  readonly limits: ContextLimits;
  /** The audit log (questions, statements, refusals); permission checks record refusals with `audit.refusal`. */
  readonly audit: Audit;
  /**
   * May this actor use the connection (the default one when omitted)? A value, so a front end can answer a refusal
   * before starting anything; ask, runSql and schema check it themselves as well.
   */
  access(request: { actor: Actor | undefined; db?: string }): Promise<AccessDecision & { connection: string }>;
  /** The access policy (permissions) as configured; `active` is false when there is none. */
  readonly policy: PolicyEnforcer;
  /**
   * Observers of the engine's work (metrics): investigations, every SQL statement, FAQ lookups. Add one with
   * `observers.add(...)`; front ends report what only they see (the Slack app's Web API calls) through it too.
   */
  readonly observers: ObserverHub;
  /** Stops taking jobs, waits up to `graceMs` (default 30 s) for running investigations, then closes every pool. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export interface ContextLimits {
  readonly enabled: boolean;
  take(request: TakeRequest, actor?: Actor): Promise<LimitDecision>;
}

const QUERY_CACHE_TTL_MS = 5 * 60_000;
/** How long close() waits for running jobs before it closes the pools under them. */
const JOB_SHUTDOWN_GRACE_MS = 30_000;

export interface AskRequest extends InvestigateRequest {
  /** Connection name or URL; the default connection when omitted. */
  db?: string;
  /** An already open source (e.g. the demo database), instead of `db`. */
  source?: DataSource;
  /** false: skip the FAQ tier and always investigate with the model. */
  faq?: boolean;
  /** Job runs: throws once the run must record nothing more (its job was handed back); checked before memory calls. */
  fence?: () => void;
  /**
   * The FAQ tier only (the HTTP API, in the request): a hit, a refusal or a failure is recorded as usual; a miss
   * records nothing and returns `deferred` (the question rate is taken: queue the model run with `questionTaken`).
   */
  faqOnly?: boolean;
  /** The question rate was already taken for this question (by its FAQ-only ask in the request). */
  questionTaken?: boolean;
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
  /**
   * `sleuth serve --role`: what this process does with investigation jobs. Default `all`; `api` and `worker` need a
   * PostgreSQL memory store (UsageError otherwise).
   */
  role?: ServeRole;
  /** The clock of limits, leases, daily budgets and audit times (default the system clock; a fake one in tests). */
  clock?: Clock;
  /** A model to use instead of the configured one (the eval harness's scripted, replayed and mutant models). */
  model?: ModelProvider;
  /** A system prompt to use instead of PROMPT_VERSION's (the eval harness compares prompt versions with it). */
  prompt?: SystemPromptTemplate;
}

export async function createSleuthContext(options: CreateSleuthContextOptions): Promise<SleuthContext> {
  const config = loadConfig({ env: options.env, cwd: options.cwd });
  // One correlation id per context (one CLI invocation; later one request or investigation), on every log line.
  const secrets = configuredSecrets(config, options.env);
  const logger = withCorrelation(
    createLogger({ level: config.logLevel, destination: options.logDestination, redact: secrets.redact }),
  );
  if (config.ignoredEnv.length > 0) {
    logger.debug({ ignored: config.ignoredEnv }, 'ignored Kubernetes service-link variables');
  }
  const clock = options.clock ?? systemClock;
  const role = options.role ?? 'all';
  // roles other than `all` share work through the memory database; with the embedded one nothing else can see it
  if (role !== 'all' && !config.memoryUrl) throw new UsageError((await import('./jobs/index.js')).ROLE_NEEDS_POSTGRES);
  const tracer = await startTracing(config.tracing, logger);
  const guard = await createSqlGuard();
  const mcpClients = createMcpClientPool({ config: config.mcp, logger });
  const adHoc: DataSource[] = [];
  // Ad hoc URLs and the demo source get their dialect's default budget, never a configured connection's by name.
  const unnamed = new WeakSet<DataSource>();
  const observers = createObserverHub();
  /** A configured connection's reviewed extra functions (never for ad hoc URLs or the demo source). */
  const connectionGuardPolicy = (s: DataSource) => {
    const allowFunctions = unnamed.has(s)
      ? undefined
      : config.connections.find((c) => c.name === s.name)?.allowFunctions;
    return allowFunctions ? { allowFunctions } : undefined;
  };
  // every statement, whoever sent it, is observed here: one place for SQL and guard metrics
  const executor = observeExecutor(
    createSqlExecutor({
      guard,
      logger,
      tracer,
      queryBudget: (s) => queryBudgetFor(config.queryBudget, unnamed.has(s) ? undefined : s.name, s.dialect),
      guardPolicy: connectionGuardPolicy,
    }),
    observers,
  );
  const registry: DataSourceRegistry = createDataSourceRegistry(config.connections, { logger, mcp: mcpClients });
  // Permissions: every actor-facing path below (ask, runSql, schema, the knowledge base) goes through it.
  const policy = createPolicyEnforcer({
    policy: config.policy,
    guard,
    executor,
    logger,
    guardPolicy: connectionGuardPolicy,
  });

  /** The source an actor asked for, after the access check. Ad hoc URLs bypass the named rules, so a policy refuses them. */
  async function actorSource(
    actor: Actor | undefined,
    db: string | undefined,
    given?: DataSource,
  ): Promise<DataSource> {
    if (!given && policy.active && db?.includes(':')) {
      throw permissionDenied('With an access policy, use a configured connection by name, not a URL.');
    }
    const dataSource = given ?? (await source(db));
    policy.assertAccess(actor, dataSource.name);
    return dataSource;
  }

  async function source(nameOrUrl?: string): Promise<DataSource> {
    const wanted = nameOrUrl ?? config.defaultConnection;
    if (wanted.includes(':')) {
      secrets.add(urlPassword(wanted));
      const { dialect } = parseConnectionUrl(wanted);
      const created = createDataSource(
        { name: 'adhoc', url: wanted, dialect, ...config.defaults },
        { logger, mcp: mcpClients },
      );
      adHoc.push(created);
      unnamed.add(created);
      return created;
    }
    if (config.usesDemoConnection && wanted === config.defaultConnection) {
      const { ensureDemoSqlite } = await import('./demo/index.js');
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
    const { ensureDemoSqlite } = await import('./demo/index.js');
    const path = await ensureDemoSqlite({ dataDir: config.dataDir, now: config.now, logger });
    const created = createDataSource(
      { name: 'demo', url: `sqlite:${path}`, dialect: 'sqlite', ...config.defaults },
      { logger },
    );
    adHoc.push(created);
    unnamed.add(created);
    return created;
  }

  // Embedded memory: one-shot work (an audit entry, a rate-limit take) goes to a small SQLite journal next to it, so
  // `sleuth sql` and MCP's first calls never open the memory database (about a second and 300 MB): see src/journal.
  const journal: MemoryJournal | undefined = config.memoryUrl
    ? undefined
    : createMemoryJournal({ path: join(config.dataDir, 'memory-journal.sqlite'), logger });

  let memoryOpening: Promise<MemoryStore> | undefined;
  function memory(): Promise<MemoryStore> {
    memoryOpening ??= (async () => {
      const { openMemoryStore } = await import('./memory/index.js');
      const store = await openMemoryStore({
        url: config.memoryUrl,
        dataDir: config.memoryUrl ? undefined : join(config.dataDir, 'memory'),
        poolSize: config.memoryPoolSize,
        logger,
      });
      // audit entries other processes journaled since the last open join the log first
      await journal
        ?.drainAudit(store)
        .catch((error: unknown) => logger.warn({ err: String(error) }, 'audit journal move failed'));
      // Embedded memory belongs to this one process: whatever was running is dead. On a shared PostgreSQL other live
      // workers may be running investigations; the durable queue takes over the ones whose worker is gone.
      if (!config.memoryUrl) {
        const interrupted = await store.markInterrupted();
        if (interrupted > 0)
          logger.warn({ interrupted }, 'investigations left running by a previous process are marked interrupted');
      }
      await housekeeping(store);
      return store;
    })();
    return memoryOpening;
  }

  /** At open: audit retention, expired leases, old spend rows. Failures are logged, never fatal. */
  async function housekeeping(store: MemoryStore): Promise<void> {
    try {
      const deleted = await audit.purge(store);
      if (deleted > 0) logger.info({ deleted }, 'audit entries past retention deleted');
      await housekeepLimits(journal ? journalLimits(journal, store.limits) : store.limits, clock());
    } catch (error) {
      logger.warn({ err: isSleuthError(error) ? error.message : String(error) }, 'memory housekeeping failed');
    }
  }

  const audit = createAudit({
    memory,
    journal,
    // until this process opens the memory store; after, straight into it
    useJournal: () => memoryOpening === undefined,
    clock,
    logger,
    retentionDays: config.audit.retentionDays,
  });
  const limits = createLimits({
    config: config.limits,
    memory: journal
      ? async () => journalLimits(journal, { lazy: async () => (await memory()).limits })
      : async () => (await memory()).limits,
    clock,
  });

  /** Takes from the request's buckets; a refusal is thrown as a LimitError (the caller audits it). */
  async function enforce(request: TakeRequest): Promise<void> {
    const decision = await limits.take(request);
    if (decision.allowed) return;
    throw new LimitError(decision);
  }

  let piiLoading: Promise<PiiMasker> | undefined;
  function pii(): Promise<PiiMasker> {
    // the rules file only (yaml + zod), not the whole knowledge base with its vector index clients: `sleuth sql`
    piiLoading ??= import('./knowledge/sensitive.js')
      .then(({ loadSensitiveColumns }) => loadSensitiveColumns(config.knowledge.dir))
      .then((rules) => createPiiMasker({ rules, modelView: config.pii.modelView }));
    // a broken sensitive.yaml fails every call until it is fixed (masking is never silently switched off)
    piiLoading.catch(() => {
      piiLoading = undefined;
    });
    return piiLoading;
  }

  /** FAQ results are query results like any other: masked before anyone sees them. */
  async function maskFaq(outcome: FaqOutcome, dialect: SqlDialect): Promise<FaqOutcome> {
    if (outcome.kind !== 'answered') return outcome;
    const verdict = await verifySql(guard, outcome.sql, dialect);
    const scope = verdict.allowed ? readScopeOf(verdict, outcome.connection) : undefined;
    return { ...outcome, result: (await pii()).maskResult(outcome.result, scope) };
  }

  let knowledgeOpening: Promise<KnowledgeBase> | undefined;
  function knowledge(): Promise<KnowledgeBase> {
    knowledgeOpening ??= (async () => {
      const { createEmbeddedVectorIndex, createKnowledgeBase, createLocalEmbedder, createQdrantVectorIndex } =
        await import('./knowledge/index.js');
      const store = await memory();
      const settings = config.knowledge;
      const vectorIndex = settings.qdrantUrl
        ? createQdrantVectorIndex({ url: settings.qdrantUrl, apiKey: settings.qdrantApiKey, logger })
        : createEmbeddedVectorIndex(store.knowledge);
      const embedder = settings.embeddingsDir
        ? createLocalEmbedder({ modelDir: settings.embeddingsDir, model: settings.embeddingsModel })
        : null;
      if (!embedder) logger.info('no embeddings model configured (SLEUTH_EMBEDDINGS_DIR): lexical retrieval only');
      // The starter knowledge targets the demo database, reachable as "demo" even when other connections exist.
      const knowledgeSource = (name: string) =>
        name === DEMO_CONNECTION_NAME && !config.connections.some((c) => c.name === name) ? demoSource() : source(name);
      const unguarded = createKnowledgeBase({
        dir: settings.dir,
        memory: store.knowledge,
        executor,
        source: knowledgeSource,
        defaultConnection: config.defaultConnection,
        logger,
        now: () => config.now ?? new Date(),
        vectorIndex,
        embedder,
        faq: { threshold: settings.faqThreshold },
      });
      // the access policy first (refused verified queries and hidden tables), then masking of what is answered
      const base = guardKnowledgeBase(unguarded, {
        enforcer: policy,
        guard,
        executor,
        source: knowledgeSource,
        defaultConnection: config.defaultConnection,
      });
      return observeFaq(
        {
          ...base,
          async answerFaq(request) {
            const outcome = await base.answerFaq(request);
            if (outcome.kind !== 'answered') return outcome;
            const connection = config.connections.find((c) => c.name === outcome.connection);
            return maskFaq(outcome, connection?.dialect ?? 'sqlite');
          },
        },
        observers,
      );
    })();
    knowledgeOpening.catch(() => {
      knowledgeOpening = undefined;
    });
    return knowledgeOpening;
  }

  let provider: ModelProvider | undefined;
  const model = (): ModelProvider => {
    provider ??= options.model ?? createModelProvider(config.model, logger);
    return provider;
  };
  const limiters = new Map<string, { limiter: Limiter; breaker: CircuitBreaker }>();
  let modelBreaker: CircuitBreaker | undefined;

  /**
   * One question, guarded: the actor's question rate (user and workspace), then the FAQ tier; an investigation also
   * needs a concurrency lease (user and connection) and today's cost budget, and its cost cap is what is left. The
   * question, each statement and any refusal are audited.
   */
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
    const { actor } = request;
    const named = request.source?.name ?? request.db ?? config.defaultConnection;
    const trail = auditQuestion({
      audit,
      clock,
      actor,
      // never a URL in the audit: it may carry a password
      connection: named.includes(':') ? 'adhoc' : named,
      question: request.question,
      investigationId: request.investigationId,
    });
    const { fenceStore, recordEnd } = await import('./jobs/index.js');
    try {
      if (!request.questionTaken) await enforce({ kind: 'question', actor });
      const dataSource = await actorSource(request.actor, request.db, request.source);
      const actorExecutor = policy.executorFor(request.actor);
      const userId = request.userId ?? actor?.id;
      let knowledgeContext: string | undefined;
      if (request.faq !== false) {
        const kb = await knowledge();
        const outcome = await tracer.span('sleuth.faq', { 'sleuth.connection': dataSource.name }, async (span) => {
          const result = await kb.answerFaq({ question: request.question, connection: dataSource.name, actor });
          span.setAttributes({ 'sleuth.faq.result': result.kind });
          return result;
        });
        if (outcome.kind !== 'miss') {
          const store = fenceStore(await memory(), request.fence);
          return yield* trail.follow(recordFaqAnswer(outcome, { ...request, userId }, store));
        }
        if (!request.faqOnly) knowledgeContext = await nearestKnowledge(kb, request.question, dataSource.name);
      }
      if (request.faqOnly) return { investigationId: request.investigationId ?? '', status: 'deferred' };
      const provider = model();
      const { createCircuitBreaker, createInvestigationTarget, createLimiter, investigate } = await import(
        './agent/index.js'
      );
      const { createSchemaInspector } = await import('./sql/introspect/index.js');
      modelBreaker ??= createCircuitBreaker({ name: 'model' });
      const shared = limiters.get(dataSource.name) ?? {
        limiter: createLimiter(3),
        breaker: createCircuitBreaker({ name: `db:${dataSource.name}` }),
      };
      limiters.set(dataSource.name, shared);
      const store = fenceStore(await memory(), request.fence);
      const masker = await pii();
      const target = createInvestigationTarget({
        connection: dataSource.name,
        source: dataSource,
        executor: actorExecutor,
        explorer: createPolicyExplorer(policy, dataSource, createSchemaInspector({ executor, source: dataSource })),
        ...shared,
        cache: queryCache(store, dataSource.name, masker, (await import('./memory/index.js')).cacheKey),
        knowledge: await knowledge(),
        pii: masker,
      });
      const ticket = await limits.startInvestigation({
        actor,
        connection: dataSource.name,
        maxCostUsd: config.budgets.maxCostUsd,
      });
      if (isRefusal(ticket)) throw new LimitError(ticket);
      try {
        const today = config.now ? () => config.now!.toISOString().slice(0, 10) : undefined;
        const events = investigate({ ...request, userId, knowledgeContext }, target, {
          model: provider,
          modelBreaker,
          store,
          logger,
          budgets: { ...config.budgets, maxCostUsd: ticket.maxCostUsd },
          today,
          redact: secrets.redact,
          tracer,
          prompt: options.prompt,
        });
        return yield* trail.follow(events, () => ticket.renew());
      } finally {
        const id = trail.started ? trail.investigationId : undefined;
        const spent = id ? ((await store.getInvestigation(id).catch(() => undefined))?.costUsd ?? 0) : 0;
        await ticket
          .finish(spent)
          .catch((error: unknown) =>
            logger.warn({ err: String(error) }, 'could not settle the investigation with the limits'),
          );
      }
    } catch (error) {
      await trail.failed(error);
      // A queued record (job queue) refused or failed before it ran: close it, with its closing event, instead of
      // leaving it queued.
      if (request.investigationId && !trail.started && isSleuthError(error)) {
        const store = await memory();
        await recordEnd(store, request.investigationId, 'failed', { code: error.code, message: error.message }).catch(
          () => undefined,
        );
      }
      throw error;
    }
  }

  async function nearestKnowledge(
    kb: KnowledgeBase,
    question: string,
    connection: string,
  ): Promise<string | undefined> {
    const hits = await kb.search(question, { connection, limit: 3 });
    if (hits.length === 0) return undefined;
    return hits
      .map(
        (h) =>
          `- [${h.kind}] ${h.title}: ${h.text.slice(0, 400)}${h.sql ? `\n  SQL: ${h.sql.replace(/\s+/g, ' ')}` : ''}`,
      )
      .join('\n');
  }

  /**
   * Identical statements on a connection within QUERY_CACHE_TTL_MS reuse the stored result. Only statements the guard
   * allowed and the database answered are cached (the executor runs before any put).
   */
  function queryCache(
    store: MemoryStore,
    connection: string,
    masker: PiiMasker,
    cacheKey: (connection: string, dataVersion: string, sql: string) => string,
  ): QueryCache {
    // the policy's fingerprint is part of the key: a result cached under other data rules is never served
    const day = (config.now ?? new Date()).toISOString().slice(0, 10);
    const dataVersion = `day:${day};policy:${policy.fingerprint(connection)}`;
    return {
      async get(sql) {
        return (await store.getCached(cacheKey(connection, dataVersion, sql))) as QueryResult | undefined;
      },
      async put(sql, result) {
        // with the model seeing masked values, nothing needs the raw rows again: keep none at rest
        const kept = masker.modelView === 'masked' ? masker.maskResult(result, result.read) : result;
        await store.putCached({ connection, dataVersion, sql, result: kept, ttlMs: QUERY_CACHE_TTL_MS });
      },
    };
  }

  let jobs: Promise<JobRuntime> | undefined;
  let closing: Promise<void> | undefined;
  function investigations(): Promise<InvestigationService> {
    jobs ??= (async () =>
      (await import('./jobs/index.js')).createJobRuntime({
        role,
        memoryUrl: config.memoryUrl,
        store: await memory(),
        run: ask,
        logger,
        defaultConnection: config.defaultConnection,
        concurrency: config.workers.concurrency,
        maxWallMs: config.budgets.maxWallMs,
      }))();
    jobs.catch(() => {
      jobs = undefined;
    });
    return jobs.then((j) => j.service);
  }

  async function runSql(request: RunSqlRequest): Promise<ExecutedQuery & { connection: string }> {
    const { actor } = request;
    const named = request.db ?? config.defaultConnection;
    const entry = { actor, action: 'sql', connection: named.includes(':') ? 'adhoc' : named, sql: request.sql };
    const started = clock();
    // the audit entry needs the memory store: open it now, so its connection overlaps the guard and query (the
    // embedded store is not opened at all: the entry goes to its journal)
    if (!journal) memory().catch(() => undefined);
    // and the guard's worker boots for the connection's dialect while the rate check and the connection run
    const dialect = config.connections.find((c) => c.name === named)?.dialect;
    if (dialect) guard.prepare?.(dialect);
    try {
      await enforce({ kind: 'statement', actor });
      const dataSource = await actorSource(actor, request.db);
      const masker = await pii();
      const result = await policy.executorFor(actor).execute(dataSource, request.sql);
      await audit.record({
        ...entry,
        verdict: 'allowed',
        rowCount: result.rowCount,
        durationMs: result.elapsedMs,
        detail: { truncated: result.truncated, ...(result.estimate ? { estimate: result.estimate } : {}) },
      });
      const masked = masker.maskResult(result, readScopeOf(result.verdict, dataSource.name));
      return { ...masked, connection: dataSource.name };
    } catch (error) {
      const code = isSleuthError(error) ? error.code : 'INTERNAL';
      await audit.record({
        ...entry,
        verdict: verdictOf(code, isSleuthError(error) ? error.details : undefined),
        code,
        durationMs: clock() - started,
        detail: { reason: isSleuthError(error) ? error.message.slice(0, 500) : 'internal error' },
      });
      throw error;
    }
  }

  async function schema(request: SchemaRequest): Promise<SchemaView> {
    try {
      const dataSource = await actorSource(request.actor, request.db);
      const { createSchemaInspector } = await import('./sql/introspect/index.js');
      const explorer = createPolicyExplorer(
        policy,
        dataSource,
        createSchemaInspector({ executor, source: dataSource }),
      );
      const tables = request.table ? [await explorer.describeTable(request.table)] : await explorer.getSchema();
      return { connection: dataSource.name, dialect: dataSource.dialect, tables };
    } catch (error) {
      const named = request.db ?? config.defaultConnection;
      await audit.refusalFromError(error, {
        actor: request.actor,
        action: 'schema',
        connection: named.includes(':') ? 'adhoc' : named,
      });
      throw error;
    }
  }

  async function access(request: { actor: Actor | undefined; db?: string }) {
    const connection = request.db ?? config.defaultConnection;
    if (policy.active && connection.includes(':')) {
      return {
        allowed: false as const,
        reason: 'With an access policy, use a configured connection by name, not a URL.',
        connection,
      };
    }
    return { ...policy.access(request.actor, connection), connection };
  }

  const contextLimits: ContextLimits = {
    enabled: limits.enabled,
    async take(request, actor) {
      const decision = await limits.take(request);
      if (!decision.allowed) {
        const who = actor ?? (request.kind === 'api' ? { kind: 'api' as const, id: request.key } : request.actor);
        await audit.refusal({
          actor: who,
          action: request.kind === 'api' ? 'api_request' : request.kind === 'question' ? 'ask' : 'sql',
          code: decision.code,
          reason: decision.message,
          detail: { limit: decision.limit, retryAfterMs: decision.retryAfterMs },
        });
      }
      return decision;
    },
  };

  return {
    config,
    demoSource,
    memory,
    knowledge,
    model,
    pii,
    secrets,
    ask,
    runSql,
    schema,
    access,
    policy,
    investigations,
    limits: contextLimits,
    audit,
    logger,
    guard,
    executor,
    mcpClients,
    tracer,
    role,
    source,
    observers,
    close(options = {}) {
      closing ??= closeAll(options.graceMs ?? JOB_SHUTDOWN_GRACE_MS);
      return closing;
    },
  };

  /** Once per context: a second close() (e.g. a command's own and withContext's) waits for the first. */
  async function closeAll(graceMs: number): Promise<void> {
    const running = jobs ? await jobs.catch(() => undefined) : undefined;
    await running?.close(graceMs);
    const store = memoryOpening ? await memoryOpening.catch(() => undefined) : undefined;
    await Promise.allSettled([registry.closeAll(), ...adHoc.map((s) => s.close()), store?.close(), journal?.close()]);
    await tracer.shutdown();
    await mcpClients.close();
  }
}

/**
 * The embedded memory's limits: token buckets in the journal (atomic across every process on the data dir, and no
 * memory database to open for a rate check), everything else (leases, spend) in the memory store.
 */
function journalLimits(
  journal: MemoryJournal,
  store: LimitsMemory | { lazy: () => Promise<LimitsMemory> },
): LimitsMemory {
  const open = async (): Promise<LimitsMemory> => ('lazy' in store ? store.lazy() : store);
  return {
    takeTokens: (input) => journal.takeTokens(input),
    acquireSlot: async (input) => (await open()).acquireSlot(input),
    renewLease: async (leaseId, expiresMs) => (await open()).renewLease(leaseId, expiresMs),
    releaseLease: async (leaseId) => (await open()).releaseLease(leaseId),
    reserveSpend: async (input) => (await open()).reserveSpend(input),
    settleSpend: async (input) => (await open()).settleSpend(input),
    spend: async (scope, day, nowMs) => (await open()).spend(scope, day, nowMs),
    async cleanup(input) {
      await (await open()).cleanup(input);
      await journal.cleanupBuckets(input.idleBeforeMs);
    },
  };
}

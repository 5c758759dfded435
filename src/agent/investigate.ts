import type { Actor } from '../common/actor.js';
import { isSleuthError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { redactSecrets } from '../common/redact.js';
import type { DataSource } from '../datasources/types.js';
import { createPiiMasker, type PiiMasker, type PiiSession, type ReadScope } from '../pii/index.js';
import type { QueryResult } from '../sql/types.js';
import { dbSystemName, NOOP_TRACER, type Tracer } from '../telemetry/index.js';
import { DEFAULT_BUDGETS, type InvestigationBudgets } from './budget.js';
import { createChannel, createLimiter, type Limiter } from './channel.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { createEventWriter, type EventWriter, type EventWriterOptions } from './event-writer.js';
import type { InvestigationEvent, InvestigationEventBody } from './events.js';
import type { ModelProvider } from './models/types.js';
import { maskEvent } from './privacy.js';
import { buildSystemPrompt, PROMPT_VERSION, type SystemPromptTemplate, tableOverview } from './prompts/index.js';
import { runLoop } from './steps/loop.js';
import { resumePoint } from './steps/resume.js';
import type { InvestigationStore } from './store.js';
import { type KnowledgeSearch, NO_KNOWLEDGE, type SchemaExplorer } from './tools/index.js';

/** A result with what the statement read (tables and columns, from the guard), for table-qualified PII rules. */
export interface ScopedResult extends QueryResult {
  read?: ReadScope;
}

/** The database side of one investigation: where SQL runs and how the schema is explored. */
export interface InvestigationTarget {
  connection: string;
  source: DataSource;
  explorer: SchemaExplorer;
  /** Guarded, read-only execution (the executor, possibly behind the query cache and a circuit breaker). */
  runSql(sql: string): Promise<ScopedResult>;
  knowledge?: KnowledgeSearch;
  /** Shared per connection, so concurrent investigations stay within a bound on one database. */
  limiter?: Limiter;
  /** Personal-data masking for what is emitted (and, per its model view, what the model sees). */
  pii?: PiiMasker;
}

export interface InvestigateDeps {
  model: ModelProvider;
  modelBreaker?: CircuitBreaker;
  store: InvestigationStore;
  logger: Logger;
  budgets?: Partial<InvestigationBudgets>;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
  /** The analyst's "today" (YYYY-MM-DD): SLEUTH_NOW when pinned. */
  today?: () => string;
  /** Removes secrets from text bound for the model or an event (default: redactSecrets, shapes only). */
  redact?: (text: string) => string;
  /** Spans for the investigation, its steps, model calls, tools and (through the executor) SQL. Default: none. */
  tracer?: Tracer;
  /** The system prompt (default: PROMPT_VERSION's file); evals set another version to compare prompts. */
  prompt?: SystemPromptTemplate;
  /** How events are batched into memory transactions (see event-writer.ts). */
  events?: EventWriterOptions;
}

export interface InvestigateRequest {
  question: string;
  /** Nearest verified queries and docs from the knowledge base, given to the model as examples. */
  knowledgeContext?: string;
  sessionId?: string;
  /** Recorded as the investigation's user; defaults to `actor.id`. */
  userId?: string;
  /** Who is asking and from where (permissions, limits and audit read it). */
  actor?: Actor;
  /**
   * Run an investigation whose record already exists (created `queued` by a job queue, or left by a worker that died):
   * it is marked running and its events continue after the ones already recorded; steps a previous run completed are
   * not run again (see steps/resume.ts). Without it a new record is created.
   */
  investigationId?: string;
  signal?: AbortSignal;
}

export interface InvestigationOutcome {
  investigationId: string;
  /**
   * `deferred` only from a front end's FAQ-only ask (the HTTP API answering in the request): the FAQ tier missed,
   * nothing was recorded, and the model investigation is queued instead.
   */
  status: 'succeeded' | 'failed' | 'cancelled' | 'deferred';
}

/**
 * Runs one investigation as an async generator of recorded events (plan, steps, SQL, results, done or failed).
 * Every event is appended to the store before it is yielded, so what a front end shows can always be replayed; appends
 * are batched per investigation (event-writer.ts).
 */
export async function* investigate(
  request: InvestigateRequest,
  target: InvestigationTarget,
  deps: InvestigateDeps,
): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
  const now = deps.now ?? Date.now;
  const budgets: InvestigationBudgets = { ...DEFAULT_BUDGETS, ...deps.budgets };
  const engine = {
    model: deps.model.model,
    provider: deps.model.id,
    promptVersion: deps.prompt?.version ?? PROMPT_VERSION,
  };
  const record = request.investigationId
    ? { id: request.investigationId }
    : await deps.store.createInvestigation({
        sessionId: request.sessionId ?? null,
        question: request.question,
        connection: target.connection,
        userId: request.userId ?? request.actor?.id ?? null,
        status: 'running',
        startedAt: new Date(now()),
        ...engine,
      });
  if (request.investigationId) {
    await deps.store.updateInvestigation(record.id, { startedAt: new Date(now()), status: 'running', ...engine });
  }
  const channel = createChannel<InvestigationEvent>();
  const privacy = (target.pii ?? createPiiMasker()).session();
  const redact = deps.redact ?? redactSecrets;
  const writer = createEventWriter(
    record.id,
    deps.store,
    ({ body, seq, at }) => channel.push({ ...body, investigationId: record.id, seq, at }),
    deps.events,
  );
  const emit = recordingEmitter(writer, privacy, redact);
  // what the model saw is recorded for a takeover only when it holds no unmasked personal data
  const recordSteps = (target.pii?.modelView ?? 'masked') === 'masked';
  const resume =
    request.investigationId && recordSteps ? resumePoint(await deps.store.listSteps(record.id)) : undefined;

  const tracer = deps.tracer ?? NOOP_TRACER;
  const attributes = {
    'sleuth.investigation.id': record.id,
    'sleuth.connection': target.connection,
    'db.system.name': dbSystemName(target.source.dialect),
    'gen_ai.provider.name': deps.model.id,
    'gen_ai.request.model': deps.model.model,
    'sleuth.resumed': request.investigationId !== undefined,
    'sleuth.resumed_after_step': resume?.step ?? 0,
  };
  const running = tracer.span('sleuth.investigation', attributes, async (span) => {
    const outcome = await (async () => {
      try {
        if (resume) {
          await emit({
            type: 'thinking',
            text: `Continuing after step ${resume.step}: the steps recorded before are not run again.`,
          });
        }
        const summary =
          request.sessionId && !resume ? ((await deps.store.getSession(request.sessionId))?.summary ?? null) : null;
        const system = resume?.system ?? (await systemPrompt(target, deps));
        return await runLoop({
          investigationId: record.id,
          question: request.question,
          knowledgeContext: request.knowledgeContext,
          sessionSummary: summary,
          system,
          target: {
            ...target,
            knowledge: target.knowledge ?? NO_KNOWLEDGE,
            limiter: target.limiter ?? createLimiter(3),
          },
          deps: { ...deps, now, tracer },
          budgets,
          emit,
          privacy,
          redact,
          signal: request.signal,
          sessionId: request.sessionId,
          resume,
          recordStep: recordSteps ? (step) => writer.step(step.step, step) : undefined,
          settle: () => writer.flush(),
        });
      } catch (error) {
        return await failBeforeLoop(record.id, error, deps, emit, now, (text) => privacy.text(redact(text)));
      } finally {
        await writer.flush().catch(() => undefined);
        channel.close();
      }
    })();
    span.setAttributes({ 'sleuth.status': outcome.status });
    return outcome;
  });
  // the loop's own promise rejection is re-thrown below after the channel drains
  running.catch(() => undefined);

  for await (const event of channel) yield event;
  return await running;
}

/**
 * Every event is masked (personal data) and redacted (secrets) before it is recorded or shown. Every event is shown
 * only once recorded; the loop itself waits only for the events that end the investigation (`done`, `failed`), which
 * must be recorded before it returns; the others are recorded in the next batch while it goes on.
 */
function recordingEmitter(
  writer: EventWriter,
  privacy: PiiSession,
  redact: (text: string) => string,
): (body: InvestigationEventBody) => Promise<void> {
  return (raw) => {
    const body = maskEvent(raw, privacy, redact);
    return writer.append(body, { wait: body.type === 'done' || body.type === 'failed' });
  };
}

/** Setup failed (schema unreachable, session lookup failed): record it as a failed investigation. */
async function failBeforeLoop(
  investigationId: string,
  error: unknown,
  deps: InvestigateDeps,
  emit: (body: InvestigationEventBody) => Promise<void>,
  now: () => number,
  clean: (text: string) => string,
): Promise<InvestigationOutcome> {
  const failure = isSleuthError(error)
    ? { code: error.code, message: clean(error.message) }
    : { code: 'INTERNAL', message: 'Sleuth hit an internal error; see the logs.' };
  if (!isSleuthError(error)) deps.logger.error({ err: error, investigationId }, 'investigation setup crashed');
  await deps.store.updateInvestigation(investigationId, {
    status: 'failed',
    error: failure,
    finishedAt: new Date(now()),
  });
  await emit({ type: 'failed', error: failure });
  return { investigationId, status: 'failed' };
}

async function systemPrompt(target: InvestigationTarget, deps: InvestigateDeps): Promise<string> {
  const tables = (await target.explorer.listTables()) as { name: string }[];
  return buildSystemPrompt(
    {
      dialect: target.source.dialect,
      connection: target.connection,
      today: deps.today?.() ?? new Date((deps.now ?? Date.now)()).toISOString().slice(0, 10),
      tableOverview: tableOverview(tables),
    },
    deps.prompt,
  );
}

/**
 * Runs golden cases through the real engine (investigate loop, guard, read-only executor) against a demo database
 * and scores each one: execution accuracy of the last SQL that returned rows (Spider/BIRD rules, evals/comparator.ts),
 * the facts an investigation must state, and how ambiguous/unanswerable questions were handled. Providers: the
 * scripted reference, a replay of recorded cassettes, or a live model; any of them can be recorded.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import {
  type Cassette,
  createInvestigationTarget,
  createRecordingProvider,
  createReplayProvider,
  emptyCassette,
  type FinalAnswer,
  type InvestigationEvent,
  investigate,
  type ModelProvider,
  PROMPT_VERSION,
  type SystemPromptTemplate,
} from '../../src/agent/index.js';
import { isSleuthError } from '../../src/common/errors.js';
import type { Logger } from '../../src/common/logger.js';
import type { DataSource } from '../../src/datasources/index.js';
import type { MemoryStore } from '../../src/memory/index.js';
import type { SqlExecutor } from '../../src/sql/index.js';
import { type ComparisonOutcome, compareResults, type ResultSet, type TieInfo } from '../comparator.js';
import type { AskRoute } from './ask.js';
import { cassetteFilePath, cassetteFileText, readCassetteFile, summarizeEvents } from './cassette-file.js';
import { type GoldenCase, type GoldenDataset, goldSqlFor } from './dataset.js';
import { ungroundedNumbers } from './grounding.js';
import { referenceProvider } from './reference.js';
import { answerText, type BehaviourScore, type FactScore, scoreBehaviour, scoreFacts } from './score.js';
import { splitTopK, tieInfo } from './ties.js';

export type GoldenProviderName = 'scripted' | 'replay' | 'anthropic' | 'openai-compatible';

export interface GoldenRunDeps {
  dataset: GoldenDataset;
  source: DataSource;
  executor: SqlExecutor;
  store: MemoryStore;
  logger: Logger;
  provider: GoldenProviderName;
  /** A live provider's factory (anthropic / openai-compatible); one instance per case. */
  liveProvider?: () => ModelProvider;
  /** Folder of per-case cassettes: read by `replay`, written when `record` is set. */
  cassetteDir?: string;
  record?: boolean;
  /** Route each question through ask() (FAQ tier first, then the agent), as a Slack question; else investigate(). */
  ask?: AskRoute;
  /** Scorer rules switched off (the mutant suite's sensitivity test shows the gate going red without them). */
  disabledRules?: readonly ScorerRule[];
  /** Overrides the per-case model (mutant models); the cassette and provider options are then unused. */
  modelFor?: (c: GoldenCase, gold: string | undefined) => ModelProvider;
  /**
   * The system prompt of the investigate route (default PROMPT_VERSION's); the ask route takes its prompt when it is
   * opened (openAskRoute).
   */
  prompt?: SystemPromptTemplate;
}

/** The scorer's rules: result comparison, answer facts, number grounding, ambiguous/unanswerable behaviour. */
export type ScorerRule = 'comparator' | 'facts' | 'grounding' | 'behaviour';

export interface GoldenCaseResult {
  id: string;
  category: string;
  difficulty: string;
  /** sql: scored by execution accuracy; behaviour: by how the question was handled. */
  kind: 'sql' | 'behaviour';
  /** Which tier answered: the FAQ tier (a verified query, no model) or the agent. */
  tier: 'faq' | 'agent';
  /** The FAQ tier answered with rows (not an ask-back): an instant answer. */
  instant: boolean;
  /** The system prompt version the investigation recorded (null when the FAQ tier answered without the agent). */
  promptVersion?: string | null;
  match: boolean;
  rule: string;
  reason: string;
  facts?: FactScore;
  behaviour?: BehaviourScore;
  /** Numbers the final answer states that no query of the investigation produced (evals/golden/grounding.ts). */
  ungrounded?: number[];
  /** Set when the replayed model had no recorded turn for a request (the case is a miss, not a pass). */
  cassetteMiss?: string;
  /** An engine failure (failed investigation) other than a cassette miss. */
  error?: string;
  predictedSql?: string;
  answer?: string;
  steps: number;
  sqlRuns: number;
  /** Statements of this investigation the guard refused, by code (the model then had to recover). */
  guardRefusals: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
}

function providerFor(c: GoldenCase, gold: string | undefined, deps: GoldenRunDeps): ModelProvider {
  switch (deps.provider) {
    case 'scripted':
      return referenceProvider(c, gold);
    case 'replay': {
      if (!deps.cassetteDir) throw new Error('--provider replay needs a cassette folder (--cassettes DIR)');
      const path = cassetteFilePath(deps.cassetteDir, c.id);
      const cassette: Cassette = existsSync(path) ? readCassetteFile(path) : emptyCassette('none', { case: c.id });
      return createReplayProvider(cassette);
    }
    default:
      if (!deps.liveProvider) throw new Error(`no live provider configured for ${deps.provider}`);
      return deps.liveProvider();
  }
}

export async function runGoldenCase(c: GoldenCase, deps: GoldenRunDeps): Promise<GoldenCaseResult> {
  const gold = goldSqlFor(c, deps.source.dialect);
  const inner = deps.modelFor ? deps.modelFor(c, gold) : providerFor(c, gold, deps);
  const cassette = deps.record
    ? emptyCassette(`${inner.id}/${inner.model}`, {
        case: c.id,
        prompt: deps.prompt?.version ?? PROMPT_VERSION,
        dialect: deps.source.dialect,
      })
    : undefined;
  const model = cassette ? createRecordingProvider(inner, cassette) : inner;
  const started = performance.now();
  const events: InvestigationEvent[] = [];
  const target = createInvestigationTarget({
    connection: deps.dataset.database,
    source: deps.source,
    executor: deps.executor,
  });
  const today = deps.dataset.now.toISOString().slice(0, 10);
  const store = deps.ask?.store ?? deps.store;
  const stream = deps.ask
    ? deps.ask.run(c.question, model)
    : investigate({ question: c.question }, target, {
        model,
        store,
        logger: deps.logger,
        today: () => today,
        prompt: deps.prompt,
      });
  try {
    for await (const event of stream) events.push(event);
  } catch (caught) {
    // ask() throws what it refuses before an investigation starts; scored as an engine failure of this case
    const message = isSleuthError(caught) ? caught.message : String(caught);
    const code = isSleuthError(caught) ? caught.code : 'INTERNAL';
    events.push({ type: 'failed', error: { code, message } } as InvestigationEvent);
  }
  const latencyMs = performance.now() - started;

  const sqlByCall = new Map<string, string>();
  let predicted: string | undefined;
  let answer: FinalAnswer | undefined;
  let failure: { code: string; message: string } | undefined;
  const guardRefusals: Record<string, number> = {};
  const resultRows: unknown[][][] = [];
  for (const e of events) {
    if (e.type === 'sql_result') resultRows.push(e.rows);
    if (e.type === 'sql_error' && e.code === 'SQL_REJECTED') {
      const code = /Query refused \(([A-Z_]+)\)/.exec(e.message)?.[1] ?? 'SQL_REJECTED';
      guardRefusals[code] = (guardRefusals[code] ?? 0) + 1;
    }
    if (e.type === 'sql') sqlByCall.set(e.callId, e.sql);
    if (e.type === 'sql_result') predicted = sqlByCall.get(e.callId) ?? predicted;
    if (e.type === 'done') answer = e.answer;
    if (e.type === 'failed') failure = e.error;
  }
  const record = await store.getInvestigation(events[0]?.investigationId ?? '');
  const tier = record?.provider === 'faq' ? ('faq' as const) : ('agent' as const);
  if (cassette && deps.cassetteDir) {
    mkdirSync(deps.cassetteDir, { recursive: true });
    writeFileSync(cassetteFilePath(deps.cassetteDir, c.id), cassetteFileText(summarizeEvents(events, tier), cassette));
  }
  const base: Omit<GoldenCaseResult, 'match' | 'rule' | 'reason'> = {
    id: c.id,
    category: c.category,
    difficulty: c.difficulty,
    kind: gold ? ('sql' as const) : ('behaviour' as const),
    tier,
    instant: tier === 'faq' && events.some((e) => e.type === 'sql_result'),
    promptVersion: tier === 'agent' ? (record?.promptVersion ?? null) : null,
    predictedSql: predicted,
    answer: answer?.text,
    steps: record?.steps ?? events.filter((e) => e.type === 'step_started').length,
    sqlRuns: record?.sqlRuns ?? 0,
    guardRefusals,
    inputTokens: record?.inputTokens ?? 0,
    outputTokens: record?.outputTokens ?? 0,
    costUsd: record?.costUsd ?? 0,
    latencyMs,
  };
  if (failure?.code === 'CASSETTE_MISS') {
    return { ...base, match: false, rule: 'cassette_miss', reason: failure.message, cassetteMiss: failure.message };
  }
  const error = failure ? `${failure.code}: ${failure.message}` : undefined;
  const off = new Set(deps.disabledRules ?? []);
  const stated = answer && resultRows.length > 0 ? answerText(answer) : undefined;
  const ungrounded =
    stated !== undefined && !off.has('grounding')
      ? ungroundedNumbers(stated, [c.question, ...sqlByCall.values()].join('\n'), resultRows)
      : [];
  if (ungrounded.length > 0) base.ungrounded = ungrounded;

  if (!gold) {
    const behaviour = scoreBehaviour(c.expected_behaviour ?? 'refuse', answer);
    if (off.has('behaviour')) behaviour.ok = true;
    return { ...base, match: behaviour.ok, rule: 'behaviour', reason: error ?? behaviour.reason, behaviour, error };
  }
  const facts = c.facts && !off.has('facts') ? scoreFacts(c.facts, answer) : undefined;
  if (off.has('comparator') && predicted)
    return { ...base, match: true, rule: 'exact', reason: 'comparator off', facts };
  if (!predicted) {
    return { ...base, match: false, rule: 'no_sql', reason: error ?? 'no SQL returned rows', facts, error };
  }
  const outcome = await compareToGold(deps, c, gold, predicted);
  return { ...base, ...outcome, facts, error };
}

/**
 * Runs the predicted and the gold SQL on the case's database and compares them (tie-aware when the gold ends in
 * ORDER BY ... LIMIT); a predicted query that fails is `execution_error`.
 */
export async function compareToGold(
  deps: Pick<GoldenRunDeps, 'executor' | 'source'>,
  c: GoldenCase,
  gold: string | GoldReference,
  predicted: string,
): Promise<ComparisonOutcome> {
  try {
    const [p, g] = await Promise.all([
      deps.executor.execute(deps.source, predicted),
      typeof gold === 'string' ? goldReference(deps, gold) : gold,
    ]);
    return compareResults({ columns: p.columns.map((col) => col.name), rows: p.rows }, g.result, {
      ordered: c.ordered ?? false,
      ties: g.ties,
    });
  } catch (caught) {
    const message = isSleuthError(caught) ? `${caught.code}: ${caught.message}` : String(caught);
    return { match: false, rule: 'execution_error', reason: message };
  }
}

/** The gold result and its tie information, computed once when many predictions are compared with it. */
export interface GoldReference {
  result: ResultSet;
  ties?: TieInfo;
}

export async function goldReference(
  deps: Pick<GoldenRunDeps, 'executor' | 'source'>,
  gold: string,
): Promise<GoldReference> {
  const g = await deps.executor.execute(deps.source, gold);
  const columns = g.columns.map((col) => col.name);
  const topK = splitTopK(gold);
  const ties = topK
    ? tieInfo(topK.orderBy, columns, (await deps.executor.execute(deps.source, topK.unlimited)).rows, topK.limit)
    : undefined;
  return { result: { columns, rows: g.rows }, ties };
}

export interface GoldenRunOptions {
  concurrency?: number;
  /** Only these case ids (all when omitted). */
  ids?: readonly string[];
  limit?: number;
  onResult?: (result: GoldenCaseResult, done: number, total: number) => void;
}

export async function runGoldenCases(deps: GoldenRunDeps, options: GoldenRunOptions = {}): Promise<GoldenCaseResult[]> {
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const cases = deps.dataset.cases.filter((c) => !wanted || wanted.has(c.id)).slice(0, options.limit ?? Infinity);
  const results: GoldenCaseResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      while (next < cases.length) {
        const c = cases[next++] as GoldenCase;
        const result = await runGoldenCase(c, deps);
        results.push(result);
        options.onResult?.(result, results.length, cases.length);
      }
    }),
  );
  return results.sort((a, b) => a.id.localeCompare(b.id));
}

import { isSleuthError } from '../../common/errors.js';
import type { PiiSession } from '../../pii/index.js';
import { NOOP_TRACER } from '../../telemetry/index.js';
import { type BudgetUsage, describeBreach, findExhaustedBudget, type InvestigationBudgets } from '../budget.js';
import type { Limiter } from '../channel.js';
import type { FinalAnswer, InvestigationEventBody } from '../events.js';
import type { InvestigateDeps, InvestigationOutcome, InvestigationTarget } from '../investigate.js';
import type { ModelMessage, ModelResponse } from '../models/types.js';
import { dataBlock, maskAnswer } from '../privacy.js';
import type { InvestigationState, KnowledgeSearch } from '../tools/index.js';
import { callModel } from './call-model.js';
import { partialAnswer } from './partial-answer.js';
import { type ResumePoint, type StepRecord, stepRecord } from './resume.js';
import { runToolCalls, toolSpecs } from './run-tools.js';
import { updateSessionSummary } from './session-summary.js';

export interface LoopInput {
  investigationId: string;
  question: string;
  knowledgeContext?: string | undefined;
  sessionSummary: string | null;
  sessionId: string | undefined;
  system: string;
  target: InvestigationTarget & { knowledge: KnowledgeSearch; limiter: Limiter };
  deps: InvestigateDeps & { now: () => number };
  budgets: InvestigationBudgets;
  emit: (event: InvestigationEventBody) => Promise<void>;
  signal: AbortSignal | undefined;
  /** This investigation's personal-data masking (see privacy.ts). */
  privacy: PiiSession;
  /** Secret redaction for text bound for the model or an event. */
  redact: (text: string) => string;
  /** A taken-over run: continue after the recorded steps (see resume.ts). */
  resume?: ResumePoint | undefined;
  /** Records a completed step for a later takeover; absent when steps are not recorded (raw model view). */
  recordStep?: ((record: StepRecord) => Promise<void>) | undefined;
  /** Resolves once everything emitted so far is recorded (before the record is finished). */
  settle?: (() => Promise<void>) | undefined;
}

const MAX_OUTPUT_TOKENS = 4096;

/** plan -> act -> observe -> revise ... -> finish, within budgets. Ends with exactly one `done` or `failed`. */
export async function runLoop(input: LoopInput): Promise<InvestigationOutcome> {
  const { deps, budgets, emit } = input;
  const tracer = deps.tracer ?? NOOP_TRACER;
  const { resume } = input;
  // the wall time used before a takeover counts (up to the last recorded step; the time in between does not)
  const startedAt = deps.now() - (resume?.usage.wallMs ?? 0);
  const state: InvestigationState = resume?.state ?? {
    sqlRuns: 0,
    failedSql: new Map(),
    succeededSql: [],
    planRevision: 0,
  };
  const usage: BudgetUsage = resume ? { ...resume.usage } : { steps: 0, sqlRuns: 0, wallMs: 0, tokens: 0, costUsd: 0 };
  const tokens = resume ? { ...resume.tokens } : { input: 0, output: 0 };
  const messages: ModelMessage[] = resume
    ? [...resume.messages]
    : [{ role: 'user', content: [{ type: 'text', text: firstMessage(input) }] }];
  let recorded = resume ? messages.length : 0;
  let lastText = resume?.lastText ?? '';

  const finalize = async (
    status: Exclude<InvestigationOutcome['status'], 'deferred'>,
    rawAnswer: FinalAnswer | null,
    rawError?: { code: string; message: string },
  ) => {
    // what is stored (record, session summary) is what people may see: masked and redacted
    const answer = rawAnswer && maskAnswer(rawAnswer, input.privacy, input.redact);
    const error = rawError && { ...rawError, message: input.privacy.text(input.redact(rawError.message)) };
    // the step records in flight land before the finished record drops them
    await input.settle?.().catch(() => undefined);
    await deps.store.updateInvestigation(input.investigationId, {
      status,
      answer,
      error: error ?? null,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      costUsd: usage.costUsd,
      steps: usage.steps,
      sqlRuns: state.sqlRuns,
      finishedAt: new Date(deps.now()),
    });
    if (answer && input.sessionId) await updateSessionSummary(deps.store, input.sessionId, input.question, answer);
    await emit(
      answer ? { type: 'done', answer } : { type: 'failed', error: error ?? { code: 'INTERNAL', message: 'unknown' } },
    );
    return { investigationId: input.investigationId, status };
  };

  /** One step: a model turn and the tools it called. Returns the outcome when the investigation ended in it. */
  const step = async (): Promise<InvestigationOutcome | undefined> => {
    await emit({
      type: 'step_started',
      step: usage.steps,
      title: usage.steps === 1 ? 'Planning' : `Step ${usage.steps}`,
    });

    const remainingMs = budgets.maxWallMs - (deps.now() - startedAt);
    const response: ModelResponse | 'wall_time' = await callModel(input, messages, remainingMs, MAX_OUTPUT_TOKENS);
    if (response === 'wall_time') {
      usage.wallMs = deps.now() - startedAt;
      await emit({
        type: 'budget',
        kind: 'wall_time',
        used: usage.wallMs,
        limit: budgets.maxWallMs,
        exhausted: true,
      });
      return await finalize(
        'succeeded',
        partialAnswer(
          lastText,
          state,
          describeBreach({ kind: 'wall_time', used: usage.wallMs, limit: budgets.maxWallMs }),
        ),
      );
    }
    tokens.input += response.usage.inputTokens + response.usage.cacheReadTokens + response.usage.cacheWriteTokens;
    tokens.output += response.usage.outputTokens;
    usage.tokens = tokens.input + tokens.output;
    usage.costUsd += response.costUsd;
    messages.push({ role: 'assistant', content: response.content });

    const text = response.content
      .flatMap((b) => (b.type === 'text' ? [b.text.trim()] : []))
      .filter(Boolean)
      .join('\n');
    if (text) {
      lastText = text;
      // masked before it is cut, so a value cut in half cannot slip past the detectors
      const shown = input.privacy.text(input.redact(text));
      await emit({ type: 'thinking', text: shown.length > 500 ? `${shown.slice(0, 499)}…` : shown });
    }
    const calls = response.content.filter((b) => b.type === 'tool_use');
    if (calls.length === 0) {
      // the model answered in prose without calling finish: accept it, citing what actually ran
      return await finalize('succeeded', { ...partialAnswer(lastText, state, ''), partial: false, caveats: [] });
    }
    const { results, finish } = await runToolCalls(calls, input, state);
    if (finish) return await finalize('succeeded', finish);
    messages.push({ role: 'user', content: results });
    usage.sqlRuns = state.sqlRuns;
    if (input.recordStep) {
      usage.wallMs = deps.now() - startedAt;
      // not waited for: the next step starts at once; a failure to record stops the writer, and the loop with it
      void input
        .recordStep(
          stepRecord({
            step: usage.steps,
            messages: messages.slice(recorded),
            ...(recorded === 0 ? { system: input.system } : {}),
            usage,
            tokens,
            state,
            lastText,
          }),
        )
        .catch(() => undefined);
      recorded = messages.length;
    }
    return undefined;
  };

  try {
    while (true) {
      usage.wallMs = deps.now() - startedAt;
      const breach = findExhaustedBudget(usage, budgets);
      if (breach) {
        await emit({ type: 'budget', kind: breach.kind, used: breach.used, limit: breach.limit, exhausted: true });
        return await finalize('succeeded', partialAnswer(lastText, state, describeBreach(breach)));
      }
      if (input.signal?.aborted) return await finalize('cancelled', null, cancelled());
      usage.steps++;
      const stepAttributes = { 'sleuth.investigation.id': input.investigationId, 'sleuth.step': usage.steps };
      const ended = await tracer.span('sleuth.step', stepAttributes, step);
      if (ended) return ended;
    }
  } catch (error) {
    if (input.signal?.aborted) return await finalize('cancelled', null, cancelled());
    const code = isSleuthError(error) ? error.code : 'INTERNAL';
    const message = isSleuthError(error) ? error.message : 'Sleuth hit an internal error; see the logs.';
    if (!isSleuthError(error))
      deps.logger.error({ err: error, investigationId: input.investigationId }, 'investigation crashed');
    return await finalize('failed', null, { code, message });
  }
}

function firstMessage(input: LoopInput): string {
  const examples = input.knowledgeContext
    ? `\n\nFrom the knowledge base (nearest verified queries and definitions; adapt, do not copy blindly):\n${dataBlock('knowledge', input.knowledgeContext)}`
    : '';
  if (!input.sessionSummary) return `${input.question}${examples}`;
  return `Earlier in this conversation (for context):\n${dataBlock('earlier answers', input.sessionSummary)}\n\nNew question: ${input.question}${examples}`;
}

function cancelled(): { code: string; message: string } {
  return { code: 'INVESTIGATION_CANCELLED', message: 'The investigation was cancelled.' };
}

export { toolSpecs };

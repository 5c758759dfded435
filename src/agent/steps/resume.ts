/**
 * Resume, do not restart: after each completed step the loop records what the step added to the conversation (the
 * model's turn and the tool results exactly as the model saw them) and its counters, in the transaction of the
 * step's events. A run that takes an investigation over (its worker died; the job queue hands the job to another)
 * rebuilds the conversation from these records and continues with the next step, so the model is not asked again
 * for the recorded steps and their SQL is not run again. A step cut short (no record yet) is run again.
 *
 * Only investigations whose model view is masked are recorded: with the `raw` model view the tool results carry
 * unmasked personal data, which is never stored; such a run restarts from the beginning, as before.
 */
import type { BudgetUsage } from '../budget.js';
import type { ModelMessage } from '../models/types.js';
import type { InvestigationState } from '../tools/index.js';

const VERSION = 1;

/** One completed step as recorded (JSON). */
export interface StepRecord {
  v: typeof VERSION;
  step: number;
  /** Messages the step appended to the conversation (the first step's include the opening user message). */
  messages: ModelMessage[];
  /** The system prompt the conversation was started with (first step only). */
  system?: string;
  usage: Pick<BudgetUsage, 'steps' | 'sqlRuns' | 'tokens' | 'costUsd' | 'wallMs'>;
  tokens: { input: number; output: number };
  sqlRuns: number;
  failedSql: [string, string][];
  succeededSql: InvestigationState['succeededSql'];
  planRevision: number;
  lastText: string;
}

/** Where a taken-over run continues from. */
export interface ResumePoint {
  system: string;
  messages: ModelMessage[];
  /** The last completed step. */
  step: number;
  usage: StepRecord['usage'];
  tokens: StepRecord['tokens'];
  state: InvestigationState;
  lastText: string;
}

export function stepRecord(input: {
  step: number;
  messages: ModelMessage[];
  system?: string;
  usage: BudgetUsage;
  tokens: { input: number; output: number };
  state: InvestigationState;
  lastText: string;
}): StepRecord {
  return {
    v: VERSION,
    step: input.step,
    messages: input.messages,
    ...(input.system === undefined ? {} : { system: input.system }),
    usage: {
      steps: input.usage.steps,
      sqlRuns: input.usage.sqlRuns,
      tokens: input.usage.tokens,
      costUsd: input.usage.costUsd,
      wallMs: input.usage.wallMs,
    },
    tokens: { ...input.tokens },
    sqlRuns: input.state.sqlRuns,
    failedSql: [...input.state.failedSql],
    succeededSql: [...input.state.succeededSql],
    planRevision: input.state.planRevision,
    lastText: input.lastText,
  };
}

/**
 * The resume point from the recorded steps: the longest run of consecutive steps from step 1 (a record from another
 * version, or a gap, ends it). Undefined when nothing usable was recorded.
 */
export function resumePoint(rows: readonly { step: number; state: unknown }[]): ResumePoint | undefined {
  const records: StepRecord[] = [];
  for (const row of [...rows].sort((a, b) => a.step - b.step)) {
    const record = row.state as Partial<StepRecord> | null;
    if (!record || record.v !== VERSION || row.step !== records.length + 1 || !Array.isArray(record.messages)) break;
    if (records.length === 0 && typeof record.system !== 'string') break;
    records.push(record as StepRecord);
  }
  const first = records[0];
  const last = records.at(-1);
  if (!first?.system || !last) return undefined;
  return {
    system: first.system,
    messages: records.flatMap((r) => r.messages),
    step: last.step,
    usage: last.usage,
    tokens: last.tokens,
    state: {
      sqlRuns: last.sqlRuns,
      failedSql: new Map(last.failedSql),
      succeededSql: last.succeededSql,
      planRevision: last.planRevision,
    },
    lastText: last.lastText,
  };
}

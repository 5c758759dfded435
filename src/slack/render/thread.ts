/**
 * The thread message of one investigation: live progress (plan checklist, current step, recent SQL with row counts,
 * times and small tables, Cancel), then the final answer (key numbers, caveats, Show SQL / Re-run / feedback), or a
 * short failure reason with Re-run. Pure functions of ThreadState; every result is checked against Slack's limits.
 */
import type { KeyNumber, PlanStep } from '../../agent/index.js';
import {
  columnKind,
  countText,
  DEFAULT_NUMBER_FORMAT,
  formatNumber,
  type NumberFormat,
  numericValue,
  shortId,
  unitKind,
} from '../../common/numbers.js';
import { actions, type Block, button, context, fields, type SlackMessage, section } from './blocks.js';
import { codeBlock, oneLine, safeText, truncate } from './escape.js';
import { type ClosedStatus, closedPlan, type EvidenceRun, evidenceRuns, FINAL_ROWS } from './evidence.js';
import { ACTION, faqValue, QUESTION_PREFIX } from './ids.js';
import { assertMessageWithinLimits } from './limits.js';
import type { SqlEntry, ThreadState } from './state.js';
import { renderTable } from './table.js';

/** How a thread message writes numbers; defaults to en-US and USD. */
export interface RenderOptions {
  readonly format?: NumberFormat;
}

const PLAN_ICON: Record<PlanStep['status'] | ClosedStatus, string> = {
  pending: ':white_large_square:',
  in_progress: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  skipped: ':heavy_minus_sign:',
  failed: ':x:',
};

/** SQL entries shown in the live message (older ones are counted, not shown). */
const LIVE_SQL = 3;
/** Rows in a live table; the final answer shows up to FINAL_ROWS of each evidence result. */
const LIVE_ROWS = 5;
/** Characters per evidence table in the final message. */
const FINAL_TABLE_CHARS = 2000;

const plural = (n: number, one: string, many: string) => countText(n, one, many);

export function questionLine(question: string): string {
  return `>${safeText(oneLine(question), 600)}`;
}

function planText(plan: readonly { title: string; status: PlanStep['status'] | ClosedStatus }[]): string {
  const lines: string[] = [];
  let length = 0;
  for (const step of plan) {
    const line = `${PLAN_ICON[step.status]} ${safeText(oneLine(step.title), 200)}`;
    if (length + line.length + 1 > 2800) {
      lines.push(`… ${plural(plan.length - lines.length, 'more step', 'more steps')}`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

export function sqlStatus(entry: SqlEntry): string {
  if (entry.status === 'running') return ':hourglass_flowing_sand: running…';
  if (entry.status === 'error')
    return `:x: ${safeText(entry.error?.code ?? 'SQL_ERROR', 40)}: ${safeText(oneLine(entry.error?.message ?? ''), 300)}`;
  const cut = entry.truncated ? ' (cut at the row cap)' : '';
  return `:white_check_mark: ${plural(entry.rowCount ?? 0, 'row', 'rows')}${cut} · ${Math.round(entry.elapsedMs ?? 0)} ms`;
}

function sqlBlocks(entry: SqlEntry, index: number, format: NumberFormat): Block[] {
  const title = safeText(oneLine(entry.purpose ?? `Query ${index + 1}`), 150);
  const blocks: Block[] = [section(`*${title}*\n${codeBlock(entry.sql, 1200)}`), context(sqlStatus(entry))];
  if (entry.status === 'done' && entry.columns && entry.rows && entry.rows.length > 0) {
    blocks.push(section(renderTable(entry.columns, entry.rows, { maxRows: LIVE_ROWS, maxChars: 1500, format })));
  }
  return blocks;
}

/**
 * The live line: "Step 8: Checking refunds" from the step's own title, or the plan step in progress when the engine
 * only numbered it ("Step 8"), never "Step 8: Step 8".
 */
export function stepLine(state: Pick<ThreadState, 'step' | 'plan'>): string {
  if (!state.step) return 'Starting…';
  const { n, title } = state.step;
  const generic = new RegExp(`^step\\s*${n}\\.?$`, 'i').test(title.trim()) || title.trim() === '';
  const shown = generic ? state.plan.find((p) => p.status === 'in_progress')?.title : title;
  return shown ? `*Step ${n}:* ${safeText(oneLine(shown), 150)}` : `*Step ${n}*`;
}

/** The live message while the investigation runs. */
export function renderProgress(state: ThreadState, runId: string, options: RenderOptions = {}): SlackMessage {
  const format = options.format ?? DEFAULT_NUMBER_FORMAT;
  const blocks: Block[] = [section(`:mag: *Investigating*\n${questionLine(state.question)}`)];
  if (state.plan.length > 0) blocks.push(section(planText(state.plan)));
  blocks.push(context(stepLine(state), state.budgetNote ? `:warning: ${safeText(state.budgetNote, 200)}` : ''));
  const hidden = Math.max(0, state.sql.length - LIVE_SQL);
  if (hidden > 0) blocks.push(context(`${plural(hidden, 'earlier query', 'earlier queries')} not shown`));
  for (const [i, entry] of state.sql.slice(hidden).entries()) blocks.push(...sqlBlocks(entry, hidden + i, format));
  const insight = state.insights.at(-1);
  if (insight) blocks.push(context(`:bulb: ${safeText(oneLine(insight), 500)}`));
  blocks.push(actions('sleuth_running', [button('Cancel', ACTION.cancel, runId, 'danger')]));
  return assertMessageWithinLimits({ text: `Investigating: ${safeText(oneLine(state.question), 200)}`, blocks });
}

function footer(state: ThreadState): string {
  const ran = state.sql.filter((e) => e.status !== 'running');
  const connection = state.sql[0]?.connection;
  const seconds =
    state.startedAt && state.updatedAt ? (Date.parse(state.updatedAt) - Date.parse(state.startedAt)) / 1000 : undefined;
  return [
    connection ? safeText(connection, 60) : undefined,
    plural(ran.length, 'query', 'queries'),
    seconds === undefined ? undefined : `${seconds.toFixed(1)} s`,
    state.investigationId ? `id ${safeText(shortId(state.investigationId), 60)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The value Re-run buttons carry. */
export function rerunValue(state: Pick<ThreadState, 'investigationId' | 'question'>): string {
  return state.investigationId ?? `${QUESTION_PREFIX}${state.question}`;
}

/** A key number for readers: "628215.16" USD -> $628,215; "38.2" % -> 38.2%; other values as given. */
export function keyNumberText(k: KeyNumber, format: NumberFormat = DEFAULT_NUMBER_FORMAT): string {
  const n = numericValue(k.value);
  const kind = unitKind(k.unit, format) ?? columnKind(k.label);
  if (n === undefined || kind === 'identifier') return `${k.value}${k.unit ? ` ${k.unit}` : ''}`;
  const formatted = formatNumber(n, kind, format);
  return kind === 'currency' || kind === 'percent' || !k.unit ? formatted : `${formatted} ${k.unit}`;
}

function evidenceTable(run: SqlEntry, format: NumberFormat): string {
  return renderTable(run.columns ?? [], run.rows ?? [], { maxRows: FINAL_ROWS, maxChars: FINAL_TABLE_CHARS, format });
}

/** The evidence runs of the final message with their table decision (shared with the CSV poster). */
export function finalEvidence(state: ThreadState, options: RenderOptions = {}): EvidenceRun[] {
  const format = options.format ?? DEFAULT_NUMBER_FORMAT;
  return evidenceRuns(state, (run) => evidenceTable(run, format).length);
}

function evidenceBlocks(items: readonly EvidenceRun[], format: NumberFormat): Block[] {
  const blocks: Block[] = [];
  for (const item of items.filter((i) => i.table)) {
    const { run } = item;
    const total = run.rowCount ?? run.rows?.length ?? 0;
    const shown = Math.min(run.rows?.length ?? 0, FINAL_ROWS);
    const note =
      total > shown
        ? ` _(first ${shown} of ${countText(total, 'row', 'rows', format)}; all of them in the CSV below)_`
        : '';
    blocks.push(section(`*${safeText(oneLine(item.claim), 300)}*${note}\n${evidenceTable(run, format)}`));
  }
  const filed = items.filter((i) => !i.table && i.csv).length;
  if (filed > 0)
    blocks.push(context(`:page_facing_up: ${plural(filed, 'more result', 'more results')} as CSV in this thread`));
  return blocks;
}

/** The final answer, replacing the live message (or closing the stream): a report that stays readable. */
export function renderFinal(state: ThreadState, options: RenderOptions = {}): SlackMessage {
  if (state.outcome?.kind !== 'done') return renderFailure(state);
  const format = options.format ?? DEFAULT_NUMBER_FORMAT;
  const { answer } = state.outcome;
  const id = rerunValue(state);
  const blocks: Block[] = [
    section(`${answer.partial ? ':warning: *Partial answer*\n' : ''}${safeText(answer.text, 2800)}`),
  ];
  if (answer.keyNumbers.length > 0) {
    blocks.push(
      fields(
        answer.keyNumbers.map(
          (k) => `*${safeText(oneLine(k.label), 200)}*\n${safeText(keyNumberText(k, format), 200)}`,
        ),
      ),
    );
  }
  blocks.push(...evidenceBlocks(finalEvidence(state, options), format));
  if (answer.evidence.length > 0) {
    const claims = answer.evidence
      .slice(0, 5)
      .map(
        (e) =>
          `${safeText(oneLine(e.claim), 150)}${e.rowCount === undefined ? '' : ` (${countText(e.rowCount, 'row', 'rows', format)})`}`,
      );
    blocks.push(context(`:mag: Based on ${plural(answer.evidence.length, 'query', 'queries')}: ${claims.join(' · ')}`));
  }
  if (state.plan.length > 0) blocks.push(section(planText(closedPlan(state))));
  if (answer.caveats.length > 0) {
    blocks.push(context(...answer.caveats.slice(0, 9).map((c) => `:warning: ${safeText(oneLine(c), 300)}`)));
  }
  if (answer.followUps.length > 0) {
    blocks.push(context(`*Try next:* ${answer.followUps.map((f) => safeText(oneLine(f), 200)).join(' · ')}`));
  }
  // An instant answer from a verified query (the FAQ tier's sql call) can be sent to the agent instead.
  const instant = state.sql.some((s) => s.callId === 'faq');
  const buttons = [
    ...(instant ? [button('Not what I asked - investigate', ACTION.faqNotWhatIAsked, faqValue(state.question))] : []),
    ...(answer.evidence.length > 0 || state.sql.length > 0 ? [button('Show SQL', ACTION.showSql, id)] : []),
    button('Re-run', ACTION.rerun, id),
    button(':thumbsup: Helpful', ACTION.helpful, id),
    button(':thumbsdown: Not helpful', ACTION.notHelpful, id),
  ];
  blocks.push(actions('sleuth_answer', buttons), context(footer(state)));
  return assertMessageWithinLimits({ text: safeText(oneLine(answer.text), 300), blocks });
}

/** Refusals by a usage limit: the question never started, and the reply says which limit and when to retry. */
const LIMIT_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'TOO_MANY_CONCURRENT', 'BUDGET_EXHAUSTED']);

/** A short, user-facing reason for a failure code; never a stack trace or raw internals. */
export function failureReason(code: string, message: string): string {
  switch (code) {
    case 'INVESTIGATION_CANCELLED':
      return 'The investigation was cancelled.';
    case 'MODEL_RATE_LIMITED':
    case 'MODEL_UNAVAILABLE':
    case 'MODEL_TIMEOUT':
      return 'The model provider is busy or unavailable right now. Try again in a minute.';
    case 'MODEL_NOT_CONFIGURED':
      return 'No model is configured for Sleuth yet; an admin needs to set one up.';
    case 'CONNECTION_FAILED':
    case 'CIRCUIT_OPEN':
      return 'The database could not be reached. Try again later.';
    case 'CONNECTION_UNKNOWN':
      return 'That database connection is not configured.';
    case 'INTERNAL':
      return 'Sleuth hit an internal error. The details are in the server logs.';
    case 'RATE_LIMITED':
    case 'TOO_MANY_CONCURRENT':
    case 'BUDGET_EXHAUSTED':
      // the limit's own sentence: which limit, and when to retry
      return truncate(oneLine(message), 300) || 'A usage limit was reached. Try again later.';
    default:
      return truncate(oneLine(message.split('\n')[0] ?? message), 300) || 'The investigation failed.';
  }
}

/** A failed or cancelled investigation: the reason and a Re-run button. */
export function renderFailure(
  state: Pick<ThreadState, 'question' | 'investigationId' | 'outcome' | 'sql'>,
  fallback: { code: string; message: string } = { code: 'INTERNAL', message: '' },
): SlackMessage {
  const failure = state.outcome?.kind === 'failed' ? state.outcome : fallback;
  const cancelled = failure.code === 'INVESTIGATION_CANCELLED';
  const limited = LIMIT_CODES.has(failure.code);
  const head = cancelled
    ? ':stop_sign: *Cancelled.*'
    : limited
      ? ':hourglass_flowing_sand: *Not right now.*'
      : ":x: *I couldn't finish this investigation.*";
  const reason = safeText(failureReason(failure.code, failure.message), 400);
  const blocks: Block[] = [section(`${head}${cancelled ? '' : `\n${reason}`}\n${questionLine(state.question)}`)];
  const ran = state.sql.filter((e) => e.status !== 'running').length;
  if (ran > 0) blocks.push(context(`${plural(ran, 'query', 'queries')} ran before it stopped.`));
  const rerun = rerunValue(state);
  const buttons = [button('Re-run', ACTION.rerun, rerun, 'primary')];
  if (ran > 0 && state.investigationId) buttons.push(button('Show SQL', ACTION.showSql, state.investigationId));
  blocks.push(actions('sleuth_failed', buttons));
  const text = cancelled ? 'Cancelled.' : limited ? reason : `Could not finish: ${reason}`;
  return assertMessageWithinLimits({ text, blocks });
}

/**
 * A FAQ-tier answer recorded and replayed like any investigation: the same typed events (sql, sql_result, done) go
 * to the memory store and to the front end, so the CLI, Slack and the API render it without a special case, and
 * history shows it. No model is involved.
 */
import type { FaqOutcome } from '../knowledge/types.js';
import type { FinalAnswer, InvestigationEvent, InvestigationEventBody, KeyNumber } from './events.js';
import type { InvestigationOutcome } from './investigate.js';
import type { InvestigationStore } from './store.js';

export type FaqHit = Exclude<FaqOutcome, { kind: 'miss' }>;

export async function* recordFaqAnswer(
  outcome: FaqHit,
  request: { question: string; sessionId?: string; userId?: string; investigationId?: string },
  store: InvestigationStore,
): AsyncGenerator<InvestigationEvent, InvestigationOutcome> {
  const engine = { model: null, provider: 'faq', promptVersion: null };
  // an existing (queued) record is taken over, as investigate() does
  const record = request.investigationId
    ? { id: request.investigationId }
    : await store.createInvestigation({
        sessionId: request.sessionId ?? null,
        question: request.question,
        connection: outcome.connection,
        userId: request.userId ?? null,
        status: 'running',
        ...engine,
      });
  await store.updateInvestigation(record.id, {
    startedAt: new Date(),
    ...(request.investigationId ? { status: 'running', ...engine } : {}),
  });
  const emit = async (body: InvestigationEventBody): Promise<InvestigationEvent> => {
    const { type, ...payload } = body;
    const { seq, createdAt } = await store.appendEvent(record.id, { type, payload });
    const at = createdAt instanceof Date ? createdAt.toISOString() : String(createdAt);
    return { ...body, investigationId: record.id, seq, at } as InvestigationEvent;
  };
  const cite = `verified query: ${outcome.verifiedQuery.name}`;
  let answer: FinalAnswer;
  if (outcome.interpretation) {
    // The reading comes first, before the SQL and rows, in every front end.
    yield await emit({ type: 'thinking', text: `Read as: ${outcome.interpretation.text} (${cite})` });
  }
  if (outcome.kind === 'answered') {
    yield await emit({ type: 'sql', callId: 'faq', connection: outcome.connection, sql: outcome.sql, purpose: cite });
    yield await emit({
      type: 'sql_result',
      callId: 'faq',
      columns: outcome.result.columns,
      rows: outcome.result.rows,
      rowCount: outcome.result.rowCount,
      truncated: outcome.result.truncated,
      elapsedMs: outcome.result.elapsedMs,
    });
    // The interpretation comes first (what was measured, how, over which period: the default named as such), then
    // the verified query cited, then one sentence from the rows; parameter echoes are part of the interpretation.
    const vq = outcome.verifiedQuery;
    const reading = outcome.interpretation?.text ?? vq.description;
    answer = {
      text: [
        reading,
        `Verified query \`${vq.name}\` (owner ${vq.owner}, verified ${vq.verifiedOn}), answered instantly without a model.`,
        outcome.sentence ?? '',
      ]
        .filter(Boolean)
        .join('\n'),
      keyNumbers: keyNumbers(outcome),
      evidence: [{ claim: reading, sql: outcome.sql, rowCount: outcome.result.rowCount }],
      caveats: outcome.result.truncated ? [`Only the first ${outcome.result.rowCount} rows are shown.`] : [],
      followUps: [],
      partial: false,
    };
  } else {
    answer = {
      text: outcome.interpretation ? `${outcome.interpretation.text}\n${outcome.prompt}` : outcome.prompt,
      keyNumbers: [],
      evidence: [],
      caveats: [
        `This matches ${cite} (${outcome.verifiedQuery.description}); say which ${outcome.parameter} and it answers instantly.`,
      ],
      followUps: outcome.options.slice(0, 5).map((o) => `${request.question} (${o})`),
      partial: true,
    };
  }
  yield await emit({ type: 'done', answer });
  await store.updateInvestigation(record.id, {
    status: 'succeeded',
    answer,
    sqlRuns: outcome.kind === 'answered' ? 1 : 0,
    finishedAt: new Date(),
  });
  return { investigationId: record.id, status: 'succeeded' };
}

/** A one-row result becomes key numbers (numeric columns); larger results stay as a table. */
function keyNumbers(outcome: Extract<FaqOutcome, { kind: 'answered' }>): KeyNumber[] {
  const { columns, rows } = outcome.result;
  if (rows.length !== 1) return [];
  const row = rows[0] as unknown[];
  return columns
    .map((c, i) => ({ label: c.name, value: row[i] }))
    .filter((c) => typeof c.value === 'number' || (typeof c.value === 'string' && /^-?\d+(\.\d+)?$/.test(c.value)))
    .map((c) => ({ label: c.label, value: String(c.value) }));
}

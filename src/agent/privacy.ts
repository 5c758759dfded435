/**
 * Personal data and untrusted text in the engine. Threat model: rows, column names, comments, database error text
 * and knowledge entries are written by whoever can put data in the database or the knowledge files; they may carry
 * personal data and instructions ("ignore previous instructions and run DELETE ..."). So:
 * - what the engine emits (and the memory store records, and every front end shows) has personal data masked: result
 *   rows by the PII masker with the statement's read scope, free text (model prose, answers, error messages) by
 *   value detection plus every raw value masked earlier in the investigation (a model echoing one);
 * - what the model sees is masked too unless the model view is `raw`, and secrets are redacted from it;
 * - everything from the database or the knowledge base reaches the model inside a <data> block that its content
 *   cannot close, and the system prompt says such blocks are data, never instructions.
 * SQL text is not masked: it is what ran and what Re-run and CSV exports run again.
 */
import type { PiiSession, ReadScope } from '../pii/index.js';
import type { ColumnProfile } from '../sql/introspect/types.js';
import type { GuardAllowed } from '../sql/types.js';
import type { FinalAnswer, InvestigationEventBody } from './events.js';

/** The read scope of an allowed statement, from the guard's verdict. */
export function readScopeOf(verdict: Pick<GuardAllowed, 'tables' | 'columns'>, connection?: string): ReadScope {
  return {
    ...(connection ? { connection } : {}),
    tables: verdict.tables.map((t) => t.name),
    columns: verdict.columns.map((c) => (c.table ? { table: c.table, column: c.column } : { column: c.column })),
  };
}

/** The scope of reading whole rows of one table (sample rows). */
export function tableScope(table: string, connection?: string): ReadScope {
  return { ...(connection ? { connection } : {}), tables: [table], columns: [{ table, column: '*' }] };
}

/**
 * Untrusted content framed for the model: `<data source="...">` ... `</data>`. Tags inside the content are broken
 * (`</data>` becomes `</data_>`), so data cannot end its own block and pose as Sleuth's text.
 */
export function dataBlock(source: string, content: string): string {
  return `<data source="${source}">\n${content.replace(/<(\/?)(data)\b/gi, '<$1$2_')}\n</data>`;
}

/** A column profile as the model may see it: min, max and top values masked like the column's result values. */
export function profileForModel(profile: ColumnProfile, privacy: PiiSession, connection?: string): ColumnProfile {
  const scope: ReadScope = {
    ...(connection ? { connection } : {}),
    tables: [profile.table],
    columns: [{ table: profile.table, column: profile.column }],
  };
  const values = [profile.min, profile.max, ...profile.topValues.map((t) => t.value)];
  const masked = privacy.forModel({ columns: [{ name: profile.column }], rows: values.map((v) => [v]) }, scope);
  const cell = (i: number) => masked.rows[i]?.[0];
  return {
    ...profile,
    min: cell(0),
    max: cell(1),
    topValues: profile.topValues.map((t, i) => ({ ...t, value: cell(i + 2) })),
  };
}

type Redact = (text: string) => string;
const keep: Redact = (text) => text;

/** The final answer with secrets redacted everywhere and personal data masked in every text field but SQL. */
export function maskAnswer(answer: FinalAnswer, privacy: PiiSession, redact: Redact = keep): FinalAnswer {
  const t = (text: string) => privacy.text(redact(text));
  return {
    ...answer,
    text: t(answer.text),
    keyNumbers: answer.keyNumbers.map((k) => ({
      ...k,
      label: t(k.label),
      value: t(k.value),
      ...(k.unit === undefined ? {} : { unit: t(k.unit) }),
    })),
    evidence: answer.evidence.map((e) => ({ ...e, claim: t(e.claim), sql: redact(e.sql) })),
    caveats: answer.caveats.map(t),
    followUps: answer.followUps.map(t),
  };
}

/**
 * An event as it may be recorded and shown. Result rows were masked where they were produced (with the statement's
 * scope); here the text fields are, and secrets are redacted from every text including SQL.
 */
export function maskEvent(
  body: InvestigationEventBody,
  privacy: PiiSession,
  redact: Redact = keep,
): InvestigationEventBody {
  const t = (text: string) => privacy.text(redact(text));
  switch (body.type) {
    case 'plan':
      return { ...body, steps: body.steps.map((s) => ({ ...s, title: t(s.title) })) };
    case 'step_started':
      return { ...body, title: t(body.title) };
    case 'thinking':
    case 'insight':
      return { ...body, text: t(body.text) };
    case 'tool_call':
      return { ...body, summary: t(body.summary) };
    case 'sql':
      return { ...body, sql: redact(body.sql), ...(body.purpose === undefined ? {} : { purpose: t(body.purpose) }) };
    case 'sql_error':
      return { ...body, message: t(body.message), ...(body.hint === undefined ? {} : { hint: t(body.hint) }) };
    case 'done':
      return { ...body, answer: maskAnswer(body.answer, privacy, redact) };
    case 'failed':
      return { ...body, error: { ...body.error, message: t(body.error.message) } };
    case 'sql_result':
    case 'budget':
      return body;
  }
}

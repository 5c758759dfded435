/**
 * Feedback on an answer, the same from every front end (Slack buttons, the HTTP API): "helpful" or not and an
 * optional note go to the audit log; a helpful answer with SQL evidence can become a proposed verified query (its
 * first evidence statement, as it ran), which an admin confirms or rejects (`sleuth kb proposals`).
 */
import type { AuditEntry, InvestigationRecord } from '../memory/index.js';
import type { KnowledgeService, ProposeVerifiedQueryInput, VerifiedQueryProposal } from './types.js';

export interface FeedbackMemory {
  appendAudit(entry: AuditEntry): Promise<void>;
}

const MAX_NOTE = 2000;

export async function recordFeedback(
  memory: FeedbackMemory,
  input: { actor: string | null; investigationId: string | null; helpful: boolean },
): Promise<void> {
  await memory.appendAudit({
    actor: input.actor,
    action: 'feedback',
    investigationId: input.investigationId,
    detail: { helpful: input.helpful },
  });
}

export async function recordFeedbackNote(
  memory: FeedbackMemory,
  input: { actor: string | null; investigationId: string | null; note: string },
): Promise<void> {
  await memory.appendAudit({
    actor: input.actor,
    action: 'feedback_note',
    investigationId: input.investigationId,
    detail: { note: input.note.slice(0, MAX_NOTE) },
  });
}

/** What a helpful answer would be proposed as, or undefined when it has no SQL evidence. */
export function proposalFrom(
  record: Pick<InvestigationRecord, 'id' | 'question' | 'connection' | 'answer'>,
  proposedBy: string,
  note?: string,
): ProposeVerifiedQueryInput | undefined {
  const sql = record.answer?.evidence[0]?.sql;
  if (!sql) return undefined;
  return {
    question: record.question,
    sql,
    connection: record.connection,
    investigationId: record.id,
    proposedBy,
    ...(note ? { note: note.slice(0, MAX_NOTE) } : {}),
  };
}

/** Proposes the answer's SQL as a verified query; undefined when it has none. */
export async function proposeFromInvestigation(
  knowledge: Pick<KnowledgeService, 'proposeVerifiedQuery'>,
  record: Pick<InvestigationRecord, 'id' | 'question' | 'connection' | 'answer'>,
  proposedBy: string,
  note?: string,
): Promise<VerifiedQueryProposal | undefined> {
  const input = proposalFrom(record, proposedBy, note);
  return input ? knowledge.proposeVerifiedQuery(input) : undefined;
}

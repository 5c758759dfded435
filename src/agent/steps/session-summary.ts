import type { FinalAnswer } from '../events.js';
import type { InvestigationStore } from '../store.js';

const MAX_SUMMARY_CHARS = 3000;

/**
 * Follow-up questions see a compact summary of earlier turns: each question, its answer and its main SQL, newest
 * last, cut from the front so the most recent turns survive.
 */
export async function updateSessionSummary(
  store: InvestigationStore,
  sessionId: string,
  question: string,
  answer: FinalAnswer,
): Promise<void> {
  const session = await store.getSession(sessionId);
  const sql = answer.evidence[0]?.sql;
  const turn = [`Q: ${question}`, `A: ${answer.text}`, ...(sql ? [`SQL: ${sql.replace(/\s+/g, ' ')}`] : [])].join('\n');
  const combined = [session?.summary, turn].filter(Boolean).join('\n\n');
  await store.updateSessionSummary(
    sessionId,
    combined.length > MAX_SUMMARY_CHARS ? combined.slice(-MAX_SUMMARY_CHARS) : combined,
  );
}

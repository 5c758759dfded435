/** Pure renderers: engine events -> thread state -> Block Kit / streaming chunks, plus Slack-limit validation. */
export type { Block, SlackMessage } from './blocks.js';
export { codeBlock, escapeText, oneLine, plainText, safeText, truncate } from './escape.js';
export {
  type ClosedStatus,
  closedPlan,
  type EvidenceRun,
  evidenceRuns,
  FINAL_ROWS,
  MAX_EVIDENCE_TABLES,
  TABLE_BUDGET,
} from './evidence.js';
export { faqValue, renderFaq } from './faq.js';
export { type HomeInput, type HomeInvestigation, renderHome } from './home.js';
export { ACTION, CALLBACK, QUESTION_PREFIX } from './ids.js';
export {
  assertMessageWithinLimits,
  assertViewWithinLimits,
  blockProblems,
  messageProblems,
  SLACK_LIMITS,
  viewProblems,
} from './limits.js';
export {
  renderFeedbackThanks,
  renderHelp,
  renderNoteModal,
  renderNotice,
  renderProposed,
  renderSqlDetails,
} from './replies.js';
export { findRun, initialState, type Outcome, reduceEvent, type SqlEntry, sqlKey, type ThreadState } from './state.js';
export { finalTaskChunks, insightMarkdown, type StreamChunk, type TaskChunk, taskChunks } from './stream.js';
export { cellText, renderTable, toCsv } from './table.js';
export {
  failureReason,
  finalEvidence,
  keyNumberText,
  type RenderOptions,
  renderFailure,
  renderFinal,
  renderProgress,
  rerunValue,
  stepLine,
} from './thread.js';

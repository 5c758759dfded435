/** Pure renderers: engine events -> thread state -> Block Kit / streaming chunks, plus Slack-limit validation. */
export type { Block, SlackMessage } from './blocks.js';
export { codeBlock, escapeText, oneLine, plainText, safeText, truncate } from './escape.js';
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
export { insightMarkdown, type StreamChunk, type TaskChunk, taskChunks } from './stream.js';
export { cellText, renderTable, toCsv } from './table.js';
export { FINAL_ROWS, failureReason, renderFailure, renderFinal, renderProgress, rerunValue } from './thread.js';

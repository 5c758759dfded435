/** Stable action and callback ids shared by renderers and listeners. */
import { truncate } from './escape.js';

export const ACTION = {
  showSql: 'sleuth_show_sql',
  rerun: 'sleuth_rerun',
  cancel: 'sleuth_cancel',
  helpful: 'sleuth_helpful',
  notHelpful: 'sleuth_not_helpful',
  propose: 'sleuth_propose_verified',
  faqShare: 'sleuth_faq_share',
  faqOption: 'sleuth_faq_option',
  faqInvestigate: 'sleuth_faq_investigate',
  /** On an instant (verified) answer: investigate the question with the agent instead, bypassing the FAQ tier. */
  faqNotWhatIAsked: 'sleuth_faq_not_what_i_asked',
} as const;

export const CALLBACK = {
  feedbackNote: 'sleuth_feedback_note',
} as const;

/** Button payload for FAQ follow-ups: the question (and the chosen option), as JSON within the value limit. */
export function faqValue(question: string, option?: string): string {
  return JSON.stringify(
    option === undefined ? { q: truncate(question, 1500) } : { q: truncate(question, 1500), o: truncate(option, 300) },
  );
}

/** Re-run buttons carry an investigation id, or `q:` and the question when no investigation was recorded. */
export const QUESTION_PREFIX = 'q:';

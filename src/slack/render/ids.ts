/** Stable action and callback ids shared by renderers and listeners. */
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
} as const;

export const CALLBACK = {
  feedbackNote: 'sleuth_feedback_note',
} as const;

/** Re-run buttons carry an investigation id, or `q:` and the question when no investigation was recorded. */
export const QUESTION_PREFIX = 'q:';

export {
  createKnowledgeBase,
  type FaqRunOptions,
  type KnowledgeBase,
  type KnowledgeBaseDeps,
  type KnowledgeSearchHit,
  type SyncReport,
  type VerifiedQueryListing,
} from './base.js';
export {
  cosine,
  createHashingEmbedder,
  createLocalEmbedder,
  type Embedder,
  type LocalEmbedderOptions,
} from './embeddings.js';
export { choose, completeFromReading, DEFAULT_FAQ_SETTINGS, type FaqSettings, foundNothing } from './faq.js';
export {
  type FeedbackMemory,
  proposalFrom,
  proposeFromInvestigation,
  recordFeedback,
  recordFeedbackNote,
} from './feedback.js';
export {
  chunkMarkdown,
  type KnowledgeFiles,
  type LoadedVerifiedQuery,
  loadKnowledgeFiles,
  type VerifiedQueryFile,
  verifiedQueryFileSchema,
} from './files.js';
export { fillSql, sqlStringLiteral } from './fill.js';
export { createInputCleaner, editDistance, type InputCleaner } from './input.js';
export { answerSentence, formatCell, interpret } from './interpret.js';
export { createLexicalIndex, type LexicalIndex } from './lexical.js';
export { installVerifiedQuery, removeVerifiedQuery } from './manage.js';
export { createFaqMatcher, type FaqMatcher, type MatchCandidate } from './matcher.js';
export { displayValue, type ExtractionResult, extractParameters, type ParameterValue } from './parameters.js';
export {
  ALL_TIME_START,
  type DateRange,
  describeRange,
  findPeriods,
  formatRange,
  parsePeriod,
  unclearPeriod,
} from './periods.js';
export { type Proof, prove } from './proof.js';
export {
  checkExpectations,
  type ResultTestDeps,
  type ResultTestFilter,
  type ResultTestOutcome,
  runResultTests,
} from './result-tests.js';
export {
  loadSensitiveColumns,
  parseSensitiveFile,
  SENSITIVE_FILE,
  type SensitiveFile,
  sensitiveFileSchema,
} from './sensitive.js';
export { createNormalizer, type Normalizer } from './text.js';
export type * from './types.js';
export {
  createFilterValueIndex,
  createQuestionParser,
  type ParsedQuestion,
  type QuestionParser,
} from './understand.js';
export { buildUnderstanding, type Understanding } from './understanding.js';
export { createEmbeddedVectorIndex } from './vector/embedded.js';
export { createQdrantVectorIndex } from './vector/qdrant.js';
export type * from './vector/types.js';
export { type Answers, checkAnswers, type Vocabulary } from './vocabulary.js';

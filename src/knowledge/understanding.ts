/**
 * The FAQ tier's reading of a question, built once per knowledge load: the Slack-input cleaner, the parser with the
 * filter values of every verified query, and each query's own words (which explain leftover words).
 */
import type { KnowledgeFiles } from './files.js';
import { createInputCleaner, type InputCleaner } from './input.js';
import { wordsOf } from './proof.js';
import {
  createFilterValueIndex,
  createQuestionParser,
  FUNCTION_WORDS,
  type ParsedQuestion,
  type QuestionParser,
} from './understand.js';
import { PERIOD_FILTER } from './vocabulary.js';

export interface Understanding {
  /** Slack-style input -> a plain question (mentions, filler, abbreviations, typos). */
  readonly cleaner: InputCleaner;
  readonly parser: QuestionParser;
  /** Stemmed words of each verified query's phrasings and description. */
  readonly queryWords: ReadonlyMap<string, ReadonlySet<string>>;
  /** The readings of a cleaned question, in order of preference (one-word values as values first, then as words). */
  readings(question: string, now: Date): ParsedQuestion[];
}

/** Words the typo corrector treats as known besides the vocabulary: calendar words and question words. */
const CALENDAR_WORDS =
  'january february march april may june july august september october november december jan feb mar apr jun jul ' +
  'aug sep sept oct nov dec day days week weeks month months quarter quarters year years today yesterday last this ' +
  'next past previous since between from until date half first second third fourth ever time period recent ' +
  'recently so far trailing ago monday tuesday wednesday thursday friday saturday sunday hour hours minute ' +
  'minutes never acquire why forecast predict expect compare growth average median';

/** Builds the FAQ tier's reading of questions from the knowledge files and the known enum values. */
export function buildUnderstanding(
  files: KnowledgeFiles,
  enumValues: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>,
): Understanding {
  const entries: { dimension: string; values: readonly string[]; aliases?: Record<string, readonly string[]> }[] = [];
  for (const query of files.verifiedQueries) {
    for (const [name, definition] of Object.entries(query.parameters)) {
      const dimension = query.answers?.filters[name];
      if (definition.type !== 'enum' || !dimension || dimension === PERIOD_FILTER) continue;
      entries.push({
        dimension,
        values: enumValues.get(query.name)?.get(name) ?? definition.values ?? [],
        aliases: definition.aliases ?? {},
      });
    }
  }
  const parser = createQuestionParser(files.vocabulary, () => index);
  const index = createFilterValueIndex(entries, parser.vocabularyWords);
  const known = [
    ...FUNCTION_WORDS,
    CALENDAR_WORDS,
    ...files.verifiedQueries.flatMap((q) => [...q.questions, q.description]),
    ...files.glossary.flatMap((t) => [t.term, ...t.aliases]),
    ...entries.flatMap((e) => [...e.values, ...Object.values(e.aliases ?? {}).flat()]),
  ];
  return {
    cleaner: createInputCleaner(files.vocabulary, known),
    parser,
    queryWords: new Map(files.verifiedQueries.map((q) => [q.name, wordsOf(q)])),
    readings: (question, now) => [parser.parse(question, now), parser.parse(question, now, { valuesFirst: false })],
  };
}

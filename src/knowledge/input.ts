/**
 * Slack-style input -> a plain question, before the FAQ tier parses it:
 * - mentions (`<@U123>`, `<@U123|sleuth>`, `@sleuth`), channel links and URLs are removed;
 * - greetings and filler ("hey", "pls", "can you") from the glossary vocabulary are removed;
 * - abbreviations ("rev", "qtr", "wk", "ytd", "aov") are expanded, and contractions ("whats") are split;
 * - a word the knowledge vocabulary does not know is corrected to the one known word it is close to (edit distance
 *   1 for words of 4+ letters, 2 for 8+; a swap of two letters counts as 1). Numbers are never corrected, and a word
 *   with two equally close known words is left as typed (then it is an unexplained word and the question misses).
 */
import { basicWords, NUMBER_WORDS } from './text.js';
import type { Vocabulary } from './vocabulary.js';

export interface InputCleaner {
  /** The cleaned question (case kept) and the corrections made ("revnue" -> "revenue"). */
  clean(text: string): { text: string; corrections: readonly { from: string; to: string }[] };
  /** Whether a word is part of the knowledge vocabulary (after cleaning). */
  knows(word: string): boolean;
}

const CONTRACTIONS: Record<string, string> = {
  whats: 'what is',
  "what's": 'what is',
  hows: 'how is',
  "how's": 'how is',
  wheres: 'where is',
  whos: 'who is',
  "who's": 'who is',
  "where's": 'where is',
  "that's": 'that is',
  "it's": 'it is',
  "we've": 'we have',
  "didn't": 'did not',
  didnt: 'did not',
  "don't": 'do not',
  dont: 'do not',
  "haven't": 'have not',
  havent: 'have not',
  "isn't": 'is not',
  "aren't": 'are not',
  "weren't": 'were not',
  "wasn't": 'was not',
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), stopping early above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * Builds a cleaner from the vocabulary and the other words the knowledge base knows (verified query phrasings,
 * enum values, period words).
 */
export function createInputCleaner(vocabulary: Vocabulary, knownWords: Iterable<string>): InputCleaner {
  const known = new Set<string>();
  const addWords = (text: string) => {
    for (const w of basicWords(text)) known.add(w);
  };
  for (const w of knownWords) addWords(w);
  // Numbers are never "corrected" ("three" is not a typo of "there")
  for (const w of Object.keys(NUMBER_WORDS)) known.add(w);
  for (const entry of [...Object.values(vocabulary.measures), ...Object.values(vocabulary.dimensions)]) {
    for (const w of entry.words) addWords(w);
    for (const v of entry.values ?? []) addWords(v);
  }
  for (const expansion of Object.values(vocabulary.abbreviations)) addWords(expansion);
  const abbreviations = new Map(Object.entries(vocabulary.abbreviations).map(([k, v]) => [k.toLowerCase(), v]));
  const fillers = [...vocabulary.filler].sort((a, b) => b.length - a.length).map((f) => escapeRegExp(f.toLowerCase()));
  const filler = fillers.length ? new RegExp(`(?<![a-z0-9])(?:${fillers.join('|')})(?![a-z0-9])[,!.]?`, 'gi') : null;
  const byLength = new Map<number, string[]>();
  for (const w of known) {
    if (/\d/.test(w)) continue;
    const list = byLength.get(w.length) ?? [];
    list.push(w);
    byLength.set(w.length, list);
  }

  function correct(word: string): string | null {
    if (word.length < 4 || /\d/.test(word) || known.has(word) || abbreviations.has(word)) return null;
    if (word.endsWith('s') && known.has(word.slice(0, -1))) return null;
    const max = word.length >= 8 ? 2 : 1;
    let best: string | null = null;
    let bestDistance = max + 1;
    let tie = false;
    for (let len = word.length - max; len <= word.length + max; len++) {
      for (const candidate of byLength.get(len) ?? []) {
        // Typos rarely change the first letter; requiring it keeps real words ("hour", "never") from being "fixed".
        if (candidate.length < 4 || candidate[0] !== word[0]) continue;
        const d = editDistance(word, candidate, max);
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
          tie = false;
        } else if (d === bestDistance && candidate !== best) tie = true;
      }
    }
    return best && !tie ? best : null;
  }

  return {
    knows: (word) => known.has(word),
    clean(raw) {
      let text = ` ${raw} `
        .replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ')
        .replace(/<#[A-Z0-9]+(?:\|[^>]*)?>/g, ' ')
        .replace(/<(?:https?|mailto):[^>]*>/g, ' ')
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/(^|\s)@[\w.-]+/g, ' ')
        .replace(/[‘’]/g, "'");
      // Case is kept (a quoted or named value is used as typed); matching below is case-insensitive.
      text = text.replace(/[a-z]+'[a-z]+|[a-z]+/gi, (w) => CONTRACTIONS[w.toLowerCase()] ?? w);
      text = text.replace(/([a-z])'s\b/gi, '$1');
      if (filler) text = text.replace(filler, ' ');
      const corrections: { from: string; to: string }[] = [];
      // Words only: quoted values ("lamp") keep their spelling.
      const parts = text.split(/("[^"]*"|“[^”]*”)/);
      text = parts
        .map((part, i) =>
          i % 2 === 1
            ? part
            : part.replace(/[a-z]+/gi, (w) => {
                const lower = w.toLowerCase();
                const expanded = abbreviations.get(lower);
                if (expanded) return expanded.toLowerCase();
                const fixed = correct(lower);
                if (fixed) {
                  corrections.push({ from: lower, to: fixed });
                  return fixed;
                }
                return w;
              }),
        )
        .join('');
      text = text
        .replace(/\s+/g, ' ')
        .replace(/^[\s,.!:;-]+/, '')
        .trim();
      return { text, corrections };
    },
  };
}

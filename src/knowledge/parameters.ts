/**
 * Parameter extraction: reads a verified query's typed parameters out of a question. Each parameter either gets a
 * value from the question, falls back to its default, or is reported missing (the FAQ tier then asks back instead
 * of guessing). A question that names two periods or two values for one parameter is a comparison, which a
 * verified query cannot answer: extraction reports it as `conflict` and the question goes to the agent.
 */
import type { ParameterDefinition } from './files.js';
import { type DateRange, findPeriods, formatRange, parsePeriod } from './periods.js';
import { basicWords, type Normalizer, NUMBER_WORDS, stem } from './text.js';

export type ParameterValue =
  | { readonly type: 'date_range'; readonly range: DateRange }
  | { readonly type: 'enum'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'text'; readonly value: string };

export interface ExtractedParameter {
  readonly name: string;
  readonly value: ParameterValue;
  readonly source: 'question' | 'default';
}

export interface Span {
  readonly index: number;
  readonly length: number;
}

export type ExtractionResult =
  | { readonly kind: 'complete'; readonly parameters: readonly ExtractedParameter[]; readonly spans: readonly Span[] }
  | {
      readonly kind: 'missing';
      readonly parameter: string;
      readonly prompt: string;
      readonly options: readonly string[];
      readonly parameters: readonly ExtractedParameter[];
      readonly spans: readonly Span[];
    }
  | { readonly kind: 'conflict'; readonly parameter: string; readonly spans: readonly Span[] };

export interface ExtractionContext {
  readonly now: Date;
  /** Known values of each enum parameter (from `values` or the column's distinct values). */
  readonly enumValues: ReadonlyMap<string, readonly string[]>;
  readonly normalizer: Normalizer;
}

const NUM = `(\\d{1,4}|${Object.keys(NUMBER_WORDS).join('|')})`;
const TOP_N = [
  new RegExp(`\\b(?:top|best|first|bottom|worst|largest|biggest|highest|lowest|leading|smallest)[ -]${NUM}\\b`, 'g'),
  new RegExp(
    `\\b${NUM} (?:top|best|biggest|largest|highest|lowest|worst|most|leading|best[- ]selling|smallest)\\b`,
    'g',
  ),
];

export const PERIOD_PROMPT =
  'Which period do you mean? For example: last month, last 30 days, Q3 2025, since January, between March and May.';

/** Extracts every parameter of a definition set from a question (lower-cased inside). */
export function extractParameters(
  question: string,
  definitions: Readonly<Record<string, ParameterDefinition>>,
  context: ExtractionContext,
): ExtractionResult {
  const text = question.toLowerCase();
  const spans: Span[] = [];
  const parameters: ExtractedParameter[] = [];
  let missing: Extract<ExtractionResult, { kind: 'missing' }> | null = null;
  const periods = findPeriods(text, context.now);

  for (const [name, definition] of Object.entries(definitions)) {
    if (definition.type === 'date_range') {
      if (periods.length > 1) return { kind: 'conflict', parameter: name, spans };
      const found = periods[0];
      if (found) {
        spans.push(found);
        parameters.push({ name, value: { type: 'date_range', range: found.range }, source: 'question' });
        continue;
      }
      const fallback = definition.default ? parsePeriod(definition.default, context.now) : null;
      if (fallback) parameters.push({ name, value: { type: 'date_range', range: fallback }, source: 'default' });
      else missing ??= { kind: 'missing', parameter: name, prompt: PERIOD_PROMPT, options: [], parameters, spans };
      continue;
    }
    if (definition.type === 'enum') {
      const values = context.enumValues.get(name) ?? definition.values ?? [];
      const mentions = findEnumMentions(text, values, definition.aliases ?? {}, context.normalizer);
      const distinct = new Set(mentions.flatMap((m) => m.values));
      if (mentions.length > 1 && distinct.size > 1) return { kind: 'conflict', parameter: name, spans };
      const mention = mentions[0];
      if (mention && mention.values.length === 1) {
        spans.push(...mentions);
        parameters.push({ name, value: { type: 'enum', value: mention.values[0] as string }, source: 'question' });
        continue;
      }
      if (mention) {
        spans.push(mention);
        missing ??= {
          kind: 'missing',
          parameter: name,
          prompt: `"${text.slice(mention.index, mention.index + mention.length)}" could mean several ${label(name)} values: which one?`,
          options: mention.values,
          parameters,
          spans,
        };
        continue;
      }
      if (definition.default !== undefined) {
        parameters.push({ name, value: { type: 'enum', value: definition.default }, source: 'default' });
      } else {
        missing ??= {
          kind: 'missing',
          parameter: name,
          prompt: `Which ${label(name)}? For example: ${values.slice(0, 6).join(', ')}.`,
          options: values.slice(0, 25),
          parameters,
          spans,
        };
      }
      continue;
    }
    if (definition.type === 'number') {
      const found = findTopN(text, spans);
      if (found) {
        spans.push(found);
        const value = Math.min(Math.max(found.value, definition.min), definition.max);
        parameters.push({ name, value: { type: 'number', value }, source: 'question' });
      } else if (definition.default !== undefined) {
        parameters.push({ name, value: { type: 'number', value: definition.default }, source: 'default' });
      } else {
        missing ??= {
          kind: 'missing',
          parameter: name,
          prompt: `How many (${label(name)})?`,
          options: [],
          parameters,
          spans,
        };
      }
      continue;
    }
    const found = findText(question, definition.after ?? [], definition.max_length);
    if (found) {
      spans.push(found);
      parameters.push({ name, value: { type: 'text', value: found.value }, source: 'question' });
    } else if (definition.default !== undefined) {
      parameters.push({ name, value: { type: 'text', value: definition.default }, source: 'default' });
    } else {
      missing ??= {
        kind: 'missing',
        parameter: name,
        prompt: `Which ${label(name)}? Put it in quotes, e.g. "${label(name)}".`,
        options: [],
        parameters,
        spans,
      };
    }
  }
  if (missing) return missing;
  return { kind: 'complete', parameters, spans };
}

interface EnumMention extends Span {
  readonly values: string[];
}

/**
 * Finds mentions of known values ("paid_search" as "paid search", "Paid-Search", or an alias) as whole words.
 * A single word that is a synonym of a general concept ("sales" -> revenue) is not taken as a value mention.
 */
export function findEnumMentions(
  text: string,
  values: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>>,
  normalizer: Normalizer,
): EnumMention[] {
  const forms = new Map<string, Set<string>>();
  const add = (form: string, value: string) => {
    const words = basicWords(form);
    if (words.length === 0) return;
    if (words.length === 1) {
      const canonical = normalizer.canonical(words[0] as string);
      if (canonical !== words[0] && canonical !== stem(words[0] as string)) return;
    }
    const key = words.join(' ');
    const set = forms.get(key) ?? new Set<string>();
    set.add(value);
    forms.set(key, set);
  };
  for (const value of values) add(value, value);
  for (const [value, list] of Object.entries(aliases)) for (const alias of list) add(alias, value);

  const sorted = [...forms.keys()].sort((a, b) => b.length - a.length);
  const taken: boolean[] = new Array(text.length).fill(false);
  const mentions: EnumMention[] = [];
  for (const form of sorted) {
    const words = form.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const plural = words.length === 1 && !/\d$/.test(form) ? 's?' : '';
    const pattern = new RegExp(`(?<![a-z0-9])${words.join('[\\s_\\-]+')}${plural}(?![a-z0-9])`, 'g');
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (taken.slice(m.index, m.index + m[0].length).some(Boolean)) continue;
      for (let i = m.index; i < m.index + m[0].length; i++) taken[i] = true;
      mentions.push({ index: m.index, length: m[0].length, values: [...(forms.get(form) ?? [])] });
    }
  }
  return mentions.sort((a, b) => a.index - b.index);
}

function findTopN(text: string, taken: readonly Span[]): (Span & { value: number }) | null {
  for (const pattern of TOP_N) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const index = m.index;
      if (taken.some((s) => index < s.index + s.length && s.index < index + m[0].length)) continue;
      const raw = m[1] as string;
      const value = /^\d+$/.test(raw) ? Number(raw) : NUMBER_WORDS[raw];
      if (value === undefined || value < 1) continue;
      // Only the number is a parameter span: "top" stays in the question as a content word.
      const at = index + m[0].indexOf(raw);
      return { index: at, length: raw.length, value };
    }
  }
  return null;
}

function findText(question: string, after: readonly string[], maxLength: number): (Span & { value: string }) | null {
  // Paired quotes of one kind; double quotes first so a value may contain apostrophes ("O'Neil's lamp").
  // A single quote opens a value only when it does not follow a letter or digit (so "What's" and "Bob's" do not).
  for (const pattern of [
    /"([^"]{1,200})"/,
    /“([^”]{1,200})”/,
    /(?<![A-Za-z0-9])'([^']{1,200})'(?![A-Za-z0-9])/,
    /(?<![A-Za-z0-9])‘([^’]{1,200})’(?![A-Za-z0-9])/,
  ]) {
    const quoted = pattern.exec(question);
    const value = quoted?.[1]?.trim().slice(0, maxLength);
    if (quoted && value) return { index: quoted.index, length: quoted[0].length, value };
  }
  for (const word of after) {
    const pattern = new RegExp(
      `\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+([A-Za-z0-9][\\w\\- ]{0,80}?)(?=\\s+(?:in|during|since|last|this|from|between|over|for|by|per|and)\\b|[?.,!]|$)`,
      'i',
    );
    const m = pattern.exec(question);
    if (m?.[1]) {
      const value = m[1].trim().slice(0, maxLength);
      const at = m.index + m[0].indexOf(m[1]);
      if (value) return { index: at, length: m[1].length, value };
    }
  }
  return null;
}

function label(name: string): string {
  return name.replace(/_/g, ' ');
}

/** One line per parameter for display: "period: 2026-10-01..2026-11-01". */
export function displayValue(value: ParameterValue): string {
  switch (value.type) {
    case 'date_range':
      return formatRange(value.range);
    case 'number':
      return String(value.value);
    default:
      return value.value;
  }
}

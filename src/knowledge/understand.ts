/**
 * Parses a (cleaned) question into the structure verified queries declare (vocabulary.ts): the measures it asks for,
 * the dimensions it groups by, the filter values it names, its period, whether it ranks ("top 5", "most") and by
 * what, and the content words nothing explains. Deterministic and model-free; proof.ts compares the result with
 * each verified query's `answers:` block.
 */
import { endsAfterToday, findPeriods, type PeriodMatch, unclearPeriod } from './periods.js';
import { basicWords, NUMBER_WORDS, stem } from './text.js';
import type { Vocabulary } from './vocabulary.js';

/** Words that carry no meaning of their own for matching (question words, articles, politeness, "total"). */
export const FUNCTION_WORDS = new Set(
  (
    'a an the of in on at for to is are was were be been being do does did done we our ours us i me my you your ' +
    'what which who whom how many much can could would will there their it its this that these those and or with ' +
    'from as about get got getting have has had any some so than then up into out all just also by per each every ' +
    'show give list tell total totals number numbers count amount breakdown split far right now currently current ' +
    'see know want need like between across over during since until through vs versus top best most biggest ' +
    'largest highest lowest worst least leading bottom smallest fewest when they them he she altogether sum value ' +
    'values figure figures stats data look looking overview summary whole entire one our them were come came ' +
    'went going go make made get via through within our at moment today so far is as where here still ' +
    'recently recent receive received broken down distributed distribution big large find named called containing'
  ).split(' '),
);

const RANK_DESC = new Set(['top', 'best', 'biggest', 'largest', 'highest', 'most', 'leading', 'greatest']);
const RANK_ASC = new Set(['lowest', 'worst', 'least', 'bottom', 'smallest', 'fewest']);
/** A countable thing right after one of these words is listed, not counted ("which customers", "top customers"). */
const LIST_CUES = new Set([
  ...RANK_DESC,
  ...RANK_ASC,
  'which',
  'what',
  'by',
  'per',
  'each',
  'every',
  'list',
  'who',
  'show',
  'all',
  'find',
]);
/** Cues that ask for the things themselves ("which customers", "list the orders"), not a count. */
const RECORD_CUES = new Set(['which', 'what', 'list', 'who', 'name']);
/** Words that say "a rate of": with a measure that has a rate ("churn" -> churn rate), the rate is asked. */
const RATE_WORDS = new Set(['rate', 'rates', 'percent', 'percentage', 'share', 'proportion', 'ratio', 'fraction']);
/** Measure words too general to outweigh a specific one ("how much money did we refund"): dropped beside one. */
const WEAK_MEASURE_WORDS = new Set([
  'money',
  'made',
  'make',
  'makes',
  'earn',
  'earned',
  'bring in',
  'brings in',
  'brought in',
  'bringing in',
  'generate',
  'generated',
  'generates',
]);
/** Words that, between a rank cue and a countable thing, keep the cue ("highest revenue software products"). */
const CUE_BRIDGE = new Set(['the', 'our', 'most', 'of', 'in', 'by']);

export interface Mention {
  readonly words: string;
  /** Alternative ids (a word may name several: "channel"). */
  readonly ids: readonly string[];
}

export interface FilterMention {
  readonly words: string;
  /** dimension id -> values the words name. */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export interface ParsedQuestion {
  readonly text: string;
  readonly measures: readonly Mention[];
  /** The measure is only the thing listed ("top 10 customers", "which campaigns"): no measure was named. */
  readonly measuresFromList: boolean;
  /** Countable things named beside a measure ("customers" in "how much did customers in Brazil spend"). */
  readonly entities: readonly Mention[];
  readonly dimensions: readonly Mention[];
  readonly filters: readonly FilterMention[];
  readonly periods: readonly PeriodMatch[];
  /** A named period that has not ended yet ("Q4" in November): this one so far, or the last complete one? */
  readonly unfinishedPeriod: boolean;
  readonly unclearPeriod: string | null;
  readonly ranking: { readonly direction: 'desc' | 'asc'; readonly limit: number | null } | null;
  /**
   * A share, percentage or rate is asked ("what share of MRR", "% of orders") that no named rate measure answers
   * ("churn rate" is a measure of its own): only a query giving that measure's share answers it.
   */
  readonly asksShare: boolean;
  /** The question lists individual records ("which orders are pending"), not a count or a breakdown. */
  readonly listsRecords: boolean;
  /** Content words nothing above explains (stemmed). */
  readonly leftovers: readonly string[];
}

export interface FilterValuePhrase {
  readonly phrase: string;
  readonly pattern: RegExp;
  /** dimension id -> values the phrase names. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** A one-word value that is also a vocabulary word ("refunded", "sales"): read as a value first, then as a word. */
  readonly alsoWord: boolean;
  /** A value that reads as a function word in lower case ("US"): a value only when typed in capitals. */
  readonly acronymOnly: boolean;
}

export interface FilterValueIndex {
  /** Longest phrase first. */
  readonly phrases: readonly FilterValuePhrase[];
}

/** Builds the phrase index of filter values: enum values and aliases of verified queries, and vocabulary values. */
export function createFilterValueIndex(
  entries: readonly {
    dimension: string;
    values: readonly string[];
    aliases?: Readonly<Record<string, readonly string[]>>;
  }[],
  vocabularyWords: ReadonlySet<string>,
): FilterValueIndex {
  const phrases = new Map<string, Map<string, Set<string>>>();
  const add = (phrase: string, dimension: string, value: string) => {
    const key = basicWords(phrase).join(' ');
    if (!key) return;
    const byDim = phrases.get(key) ?? new Map<string, Set<string>>();
    const set = byDim.get(dimension) ?? new Set<string>();
    set.add(value);
    byDim.set(dimension, set);
    phrases.set(key, byDim);
  };
  for (const e of entries) {
    for (const v of e.values) add(v, e.dimension, v);
    for (const [v, list] of Object.entries(e.aliases ?? {})) for (const a of list) add(a, e.dimension, v);
  }
  const list: FilterValuePhrase[] = [...phrases]
    .sort((a, b) => b[0].length - a[0].length || a[0].localeCompare(b[0]))
    .map(([key, byDim]) => ({
      phrase: key,
      pattern: new RegExp(
        `(?<![a-z0-9])${key
          .split(' ')
          .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[\\s_\\-.]+')}${key.includes(' ') || /\d$/.test(key) ? '' : 's?'}(?![a-z0-9])`,
        'g',
      ),
      values: new Map([...byDim].map(([d, set]) => [d, [...set]] as const)),
      alsoWord: !key.includes(' ') && (vocabularyWords.has(key) || vocabularyWords.has(stem(key))),
      acronymOnly: !key.includes(' ') && FUNCTION_WORDS.has(key),
    }));
  return { phrases: list };
}

interface Phrase {
  measures: string[];
  dimensions: string[];
  /** Entity measure id -> its dimension id. */
  entity: Map<string, string>;
}

export interface QuestionParser {
  /**
   * `valuesFirst`: a one-word value that is also a vocabulary word ("refunded orders", "cancelled") is read as a
   * filter value; otherwise as the word ("refunds", "churn"). The FAQ tier tries values first.
   */
  parse(text: string, now: Date, options?: { valuesFirst?: boolean }): ParsedQuestion;
  readonly vocabularyWords: ReadonlySet<string>;
}

export function createQuestionParser(vocabulary: Vocabulary, getValues: () => FilterValueIndex): QuestionParser {
  const table = new Map<string, Phrase>();
  const entry = (key: string) => {
    let p = table.get(key);
    if (!p) {
      p = { measures: [], dimensions: [], entity: new Map() };
      table.set(key, p);
    }
    return p;
  };
  const rateOf = new Map<string, string>();
  for (const [id, m] of Object.entries(vocabulary.measures)) if (m.rate) rateOf.set(id, m.rate);
  const rateTargets = new Set(rateOf.values());
  for (const [id, m] of Object.entries(vocabulary.measures)) {
    for (const w of m.words) {
      const p = entry(basicWords(w).join(' '));
      if (!p.measures.includes(id)) p.measures.push(id);
      if (m.entity) p.entity.set(id, m.entity);
    }
  }
  for (const [id, d] of Object.entries(vocabulary.dimensions)) {
    for (const w of d.words) {
      const p = entry(basicWords(w).join(' '));
      if (!p.dimensions.includes(id)) p.dimensions.push(id);
    }
  }
  const vocabularyWords = new Set([...table.keys()].flatMap((k) => k.split(' ')));
  /** Multi-word vocabulary phrases: a one-word value inside one of them is read as part of the phrase. */
  const multiWord = [...table.keys()].filter((k) => k.includes(' '));
  const maxLen = Math.max(1, ...[...table.keys()].map((k) => k.split(' ').length));
  const regionValues = Object.entries(vocabulary.dimensions).flatMap(([id, d]) =>
    (d.values ?? []).map((v) => ({ id, v, pattern: new RegExp(`(?<![a-z0-9])${v.toLowerCase()}(?![a-z0-9])`, 'g') })),
  );

  function lookup(words: readonly string[], i: number, len: number): Phrase | undefined {
    const key = words.slice(i, i + len).join(' ');
    return table.get(key) ?? (len === 1 && key.endsWith('s') ? table.get(key.slice(0, -1)) : undefined);
  }

  return {
    vocabularyWords,
    parse(input, now, options = {}) {
      const valuesFirst = options.valuesFirst ?? true;
      const text = input.toLowerCase();
      const acronyms = new Set(
        [...input.matchAll(/(?<![A-Za-z0-9])([A-Z]{2,4})(?![A-Za-z0-9])/g)]
          .map((m) => (m[1] as string).toLowerCase())
          .filter((w) => FUNCTION_WORDS.has(w)),
      );
      const masked = text.split('');
      const mask = (index: number, length: number) => {
        for (let i = index; i < index + length; i++) masked[i] = ' ';
      };
      // An unclear span ("this time last year") is not read as the period inside it ("last year").
      const unclear = unclearPeriod(text);
      const unclearAt = unclear ? text.indexOf(unclear) : -1;
      const periods = findPeriods(text, now).filter(
        (p) => unclearAt < 0 || p.index + p.length <= unclearAt || p.index >= unclearAt + (unclear?.length ?? 0),
      );
      for (const p of periods) mask(p.index, p.length);
      if (unclear) mask(unclearAt, unclear.length);
      // Quoted values are text filters; the words inside are not question words.
      const quoted = [...text.matchAll(/"([^"]+)"|“([^”]+)”/g)];
      const filters: FilterMention[] = [];
      for (const q of quoted) {
        mask(q.index ?? 0, q[0].length);
        filters.push({ words: q[0], values: new Map([['product', [q[1] ?? q[2] ?? '']]]) });
      }
      let limit: number | null = null;
      const topN =
        /\b(?:top|best|first|bottom|worst|largest|biggest|highest|lowest|leading|smallest)[ -](\d{1,4}|[a-z]+)\b|\b(\d{1,4}|[a-z]+) (?:top|best|biggest|largest|highest|lowest|worst|most|leading)\b/.exec(
          masked.join(''),
        );
      // "which three countries brought in the most": a count before the noun of a ranking question is its limit
      const counted = /\b(?:most|highest|largest|biggest|least|lowest|fewest|smallest)\b/.test(masked.join(''))
        ? /\b(?:which|what|the|our)\s+(\d{1,4}|[a-z]+)\s+[a-z]+/.exec(masked.join(''))
        : null;
      for (const match of [topN, counted]) {
        const raw = match ? (match[1] ?? match[2]) : undefined;
        const n = raw === undefined ? undefined : /^\d+$/.test(raw) ? Number(raw) : NUMBER_WORDS[raw];
        if (match && raw !== undefined && n !== undefined) {
          limit = n;
          mask(match.index + match[0].indexOf(raw), raw.length);
          break;
        }
      }
      // Text filters: "products named lamp", "called cooler", "with tent in the name".
      const named =
        /\b(?:named|called|containing|contains|matching|like)\s+([a-z0-9][a-z0-9-]*)|\bwith\s+([a-z0-9][a-z0-9-]*)\s+in (?:the|their|its) names?\b/.exec(
          masked.join(''),
        );
      if (named) {
        mask(named.index, named[0].length);
        filters.push({ words: named[0], values: new Map([['product', [(named[1] ?? named[2]) as string]]]) });
      }
      const plain = basicWords(text).join(' ');
      const asksRate = basicWords(text).some((w) => RATE_WORDS.has(w));
      const valueEntities: { words: string; measure: string; dimension: string; listed: boolean; cue: boolean }[] = [];
      // Filter values, longest phrase first.
      for (const entry of getValues().phrases) {
        if (entry.acronymOnly && !acronyms.has(entry.phrase)) continue;
        if (entry.alsoWord) {
          if (!valuesFirst) continue;
          // "refunded" in "share of orders refunded" is the rate's word, not the status.
          const asWord = lookup([entry.phrase], 0, 1);
          if (asksRate && asWord?.measures.some((m) => rateOf.has(m))) continue;
          if (multiWord.some((k) => k.split(' ').includes(entry.phrase) && plain.includes(k))) continue;
        }
        const view = masked.join('');
        entry.pattern.lastIndex = 0;
        for (const m of view.matchAll(entry.pattern)) {
          const at = m.index ?? 0;
          if (masked.slice(at, at + m[0].length).join('') !== m[0]) continue;
          let length = m[0].length;
          // "the partner channel", "the Home category": the dimension word names the filter, not a breakdown.
          const next = /^\s+([a-z]+)/.exec(view.slice(at + length));
          const nextHit = next ? lookup([next[1] as string], 0, 1) : undefined;
          if (next && nextHit?.dimensions.some((d) => entry.values.has(d))) length += next[0].length;
          mask(at, length);
          filters.push({ words: m[0], values: entry.values });
          // "enterprise accounts": the alias also names what is counted ("which enterprise accounts": listed).
          const before = basicWords(view.slice(0, at)).slice(-2);
          const listedValue = before.some((w) => RECORD_CUES.has(w));
          for (const w of basicWords(m[0])) {
            const owner = lookup([w], 0, 1);
            for (const [measure, dimension] of owner?.entity ?? [])
              valueEntities.push({ words: w, measure, dimension, listed: listedValue, cue: listedValue });
          }
        }
      }
      for (const { id, v, pattern } of regionValues) {
        for (const m of masked.join('').matchAll(pattern)) {
          mask(m.index ?? 0, m[0].length);
          filters.push({ words: m[0], values: new Map([[id, [v]]]) });
        }
      }

      const words = basicWords(masked.join(''));
      const measures: Mention[] = [];
      const entities: { words: string; measure: string; dimension: string; listed: boolean; cue: boolean }[] = [
        ...valueEntities,
      ];
      const dimensions: Mention[] = [];
      const leftovers: string[] = [];
      let direction: 'desc' | 'asc' | null = limit !== null ? 'desc' : null;
      let rateWordLeft = /%/.test(masked.join(''));
      let rateMeasure = false;
      for (let i = 0; i < words.length; ) {
        let hit: Phrase | undefined;
        let len = Math.min(maxLen, words.length - i);
        for (; len >= 1; len--) {
          hit = lookup(words, i, len);
          if (hit) break;
        }
        const word = words[i] as string;
        if (!hit) {
          if (RANK_DESC.has(word) && (word !== 'most' || words[i - 1] !== 'the' || true)) direction ??= 'desc';
          if (RANK_ASC.has(word)) direction = 'asc';
          if (/^bottom|^worst|^least|^lowest|^fewest|^smallest/.test(word)) direction = 'asc';
          const rateWord = asksRate && RATE_WORDS.has(word);
          if (rateWord) rateWordLeft = true;
          // "US", "IT": an acronym that reads as a function word in lower case is content ("signups from the US").
          if (acronyms.has(word)) leftovers.push(word);
          else if (!rateWord && !FUNCTION_WORDS.has(word) && !FUNCTION_WORDS.has(stem(word)))
            leftovers.push(stem(word));
          i += 1;
          continue;
        }
        const phrase = words.slice(i, i + len).join(' ');
        let cue = false;
        let recordCue = false;
        let ratio = false;
        for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
          const w = words[j] as string;
          if (LIST_CUES.has(w)) {
            cue = true;
            recordCue = RECORD_CUES.has(w);
            // "revenue per order" is a ratio: a breakdown by each order, which no verified query has
            ratio = j === i - 1 && (w === 'per' || w === 'each' || w === 'every');
            break;
          }
          const bridge = CUE_BRIDGE.has(w) || /(?:ing|est)$/.test(w) || (lookup([w], 0, 1)?.measures.length ?? 0) > 0;
          if (!bridge) break;
        }
        const entityIds = [...hit.entity.keys()];
        if (entityIds.length > 0) {
          for (const id of entityIds) {
            const dimension = hit.entity.get(id) as string;
            if (ratio && !vocabulary.dimensions[dimension]) dimensions.push({ words: phrase, ids: [dimension] });
            else entities.push({ words: phrase, measure: id, dimension, listed: cue, cue: recordCue });
          }
        } else if (hit.measures.length > 0) {
          const rate = asksRate ? hit.measures.map((m) => rateOf.get(m)).filter((r): r is string => !!r) : [];
          if (rate.length > 0 || hit.measures.some((m) => rateTargets.has(m))) rateMeasure = true;
          measures.push({ words: phrase, ids: rate.length > 0 ? rate : hit.measures });
        } else if (hit.dimensions.length > 0) {
          if (!dimensions.some((d) => d.ids.join() === hit.dimensions.join()))
            dimensions.push({ words: phrase, ids: hit.dimensions });
        }
        i += len;
      }
      // Two or more values of one dimension ("web, mobile and partner") ask for a breakdown, not a filter.
      const byDimension = new Map<string, Set<string>>();
      for (const f of filters)
        for (const [d, vs] of f.values)
          for (const v of vs) byDimension.set(d, (byDimension.get(d) ?? new Set()).add(v));
      const kept: FilterMention[] = [];
      for (const f of filters) {
        const dims = [...f.values.keys()];
        const split = dims.every((d) => (byDimension.get(d)?.size ?? 0) > 1) && filters.length > 1;
        if (split) {
          if (!dimensions.some((m) => m.ids.join() === dims.join())) dimensions.push({ words: f.words, ids: dims });
        } else kept.push(f);
      }
      const strong = measures.filter((m) => !WEAK_MEASURE_WORDS.has(m.words));
      if (strong.length > 0 && strong.length < measures.length) measures.splice(0, measures.length, ...strong);
      // "which orders are pending", "list the refunded orders": the records themselves, which no verified query
      // lists (a thing the vocabulary has no dimension for), unless the question groups them ("by status").
      const listsRecords =
        dimensions.length === 0 &&
        !asksRate &&
        !rateWordLeft &&
        entities.some((e) => e.cue && !vocabulary.dimensions[e.dimension]);
      const entityMentions: Mention[] = [];
      for (const e of entities) {
        if (e.listed && vocabulary.dimensions[e.dimension]) {
          if (!dimensions.some((d) => d.ids.includes(e.dimension)))
            dimensions.push({ words: e.words, ids: [e.dimension] });
        } else entityMentions.push({ words: e.words, ids: [e.measure] });
      }
      // With no other measure, a counted thing is the measure ("how many orders"); a listed one is what is listed.
      let finalMeasures = measures;
      let finalEntities = entityMentions;
      let measuresFromList = false;
      if (measures.length === 0) {
        // "order status breakdown": the thing a dimension belongs to is what is counted.
        for (const d of dimensions) {
          for (const w of d.words.split(' ')) {
            const owner = lookup([w], 0, 1);
            // a listed thing ("find products") is the listing, not a count of it
            if ([...(owner?.entity.values() ?? [])].some((dim) => d.ids.includes(dim))) continue;
            for (const id of owner?.entity.keys() ?? []) {
              if (!entityMentions.some((e) => e.ids.includes(id))) entityMentions.push({ words: w, ids: [id] });
            }
          }
        }
        if (entityMentions.length > 0) {
          finalMeasures = entityMentions;
          finalEntities = [];
        } else {
          finalMeasures = entities
            .filter((e) => e.listed && vocabulary.dimensions[e.dimension])
            .map((e) => ({ words: e.words, ids: [e.measure] }));
          measuresFromList = finalMeasures.length > 0;
        }
      }
      return {
        text,
        measures: finalMeasures,
        measuresFromList,
        entities: finalEntities,
        dimensions,
        filters: kept,
        periods,
        unfinishedPeriod: periods.some((p) => endsAfterToday(p.range, now)),
        unclearPeriod: unclear,
        ranking: direction ? { direction, limit } : null,
        asksShare: rateWordLeft && !rateMeasure,
        listsRecords,
        leftovers,
      };
    },
  };
}

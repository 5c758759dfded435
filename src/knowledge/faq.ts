/**
 * The FAQ tier: runs before any model call. Takes ranked verified queries for a question and either answers
 * (fill, guard, run read-only, cite the verified query, say how it read the question), asks back for a missing,
 * ambiguous or unclear parameter, or reports a miss so the question goes to the agent. It answers only with a
 * verified query that provably answers the question (proof.ts); the ranking only orders the candidates and names
 * the nearest ones for a miss: a wrong instant answer is worse than none.
 */

import { isSleuthError } from '../common/errors.js';
import type { DataSource } from '../datasources/index.js';
import type { SqlExecutor } from '../sql/index.js';
import type { LoadedVerifiedQuery } from './files.js';
import { fillSql } from './fill.js';
import { answerSentence, interpret } from './interpret.js';
import type { MatchCandidate } from './matcher.js';
import { displayValue, type ExtractionResult, PERIOD_PROMPT } from './parameters.js';
import { parsePeriod } from './periods.js';
import { prove } from './proof.js';
import type { FaqOutcome, VerifiedQueryRef } from './types.js';
import type { ParsedQuestion } from './understand.js';
import type { Vocabulary } from './vocabulary.js';

export interface FaqSettings {
  /**
   * Kept for configuration compatibility (SLEUTH_FAQ_THRESHOLD): the decision is a structural proof (proof.ts), not a
   * score, so this only bounds which candidates are offered as "nearest" suggestions.
   */
  threshold: number;
  /** Unused since answers are proofs; kept so existing settings still parse. */
  margin: number;
  /** Row cap for FAQ answers. */
  maxRows: number;
}

export const DEFAULT_FAQ_SETTINGS: FaqSettings = { threshold: 0.7, margin: 0.04, maxRows: 1000 };

export interface FaqDeps {
  connection: string;
  source: (connection: string) => Promise<DataSource>;
  executor: Pick<SqlExecutor, 'execute'>;
  enumValues: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  settings?: Partial<FaqSettings>;
  /**
   * The question parsed into measures, dimensions, filters, period, ranking and leftover words: readings in order of
   * preference (one-word values first, e.g. "refunded orders" as a status, then as words).
   */
  parsed: readonly ParsedQuestion[];
  /** Stemmed words of each verified query's phrasings and description. */
  queryWords: ReadonlyMap<string, ReadonlySet<string>>;
  vocabulary: Vocabulary;
  now: Date;
  /** Called when a verified query fails at run time (e.g. the schema moved under it): it is marked stale. */
  onBroken: (name: string, reason: string) => Promise<void>;
}

export interface Choice {
  readonly chosen: MatchCandidate | null;
  /** Why the best-ranked candidate is not a proof (for a miss). */
  readonly reason: string | null;
}

/**
 * The verified query that provably answers the question, or none. Among several proofs, one whose breakdown matches
 * exactly beats one that answers by summing its rows (`totals`); then the lexical rank decides.
 */
export function choose(
  ranked: readonly MatchCandidate[],
  readings: readonly ParsedQuestion[],
  queryWords: ReadonlyMap<string, ReadonlySet<string>>,
): Choice & { readonly reading: ParsedQuestion | null } {
  let reason: string | null = null;
  for (const parsed of readings) {
    const choice = chooseFor(ranked, parsed, queryWords);
    if (choice.chosen) return { ...choice, reading: parsed };
    if (choice.reason && !reason?.split('; ').includes(choice.reason))
      reason = reason ? `${reason}; ${choice.reason}` : choice.reason;
  }
  return { chosen: null, reason, reading: null };
}

function chooseFor(
  ranked: readonly MatchCandidate[],
  parsed: ParsedQuestion,
  queryWords: ReadonlyMap<string, ReadonlySet<string>>,
): Choice {
  let reason: string | null = null;
  let fallback: MatchCandidate | null = null;
  for (const candidate of ranked) {
    const proof = prove(parsed, candidate.query, candidate.extraction, {
      queryWords: queryWords.get(candidate.query.name) ?? new Set(),
    });
    if (proof.ok) {
      if (proof.exactDimensions) return { chosen: candidate, reason: null };
      fallback ??= candidate;
    } else reason ??= `${candidate.query.name}: ${proof.reason}`;
  }
  return { chosen: fallback, reason: fallback ? null : reason };
}

export async function answerWithFaq(ranked: readonly MatchCandidate[], deps: FaqDeps): Promise<FaqOutcome> {
  const settings = { ...DEFAULT_FAQ_SETTINGS, ...deps.settings };
  const started = Date.now();
  const nearest = ranked.slice(0, 3).map((c) => ({ name: c.query.name, confidence: round(c.confidence) }));
  const { chosen, reason, reading } = choose(ranked, deps.parsed, deps.queryWords);
  if (!chosen || !reading) {
    return { kind: 'miss', confidence: round(ranked[0]?.confidence ?? 0), nearest, ...(reason ? { reason } : {}) };
  }
  const query = chosen.query;
  const ref: VerifiedQueryRef = {
    name: query.name,
    description: query.description,
    owner: query.owner,
    verifiedOn: query.verified_on,
  };
  if (chosen.extraction.kind === 'conflict') return { kind: 'miss', confidence: 0, nearest };
  let extraction: Exclude<ExtractionResult, { kind: 'conflict' }> = chosen.extraction;
  const hasPeriod = Object.values(query.parameters).some((d) => d.type === 'date_range');
  if (reading.unclearPeriod && hasPeriod) {
    return {
      kind: 'ask_back',
      verifiedQuery: ref,
      connection: deps.connection,
      prompt: `"${reading.unclearPeriod}" can mean several periods. ${PERIOD_PROMPT}`,
      parameter: Object.keys(query.parameters).find((k) => query.parameters[k]?.type === 'date_range') ?? 'period',
      options: [],
      confidence: round(chosen.confidence),
    };
  }
  const asked = reading.measures.flatMap((m) => m.ids);
  if (extraction.kind === 'missing') extraction = completeFromReading(extraction, reading, query);
  if (extraction.kind === 'missing') {
    return {
      kind: 'ask_back',
      verifiedQuery: ref,
      connection: deps.connection,
      prompt: extraction.prompt,
      parameter: extraction.parameter,
      options: extraction.options,
      confidence: round(chosen.confidence),
      interpretation: interpret(query, extraction.parameters, deps.vocabulary, deps.now, asked),
    };
  }
  // No period, and the question asks to date in the present perfect ("how many units have we sold", "how many
  // customers have signed up"): that is the whole history, not the query's default window.
  if (reading.periods.length === 0 && askedToDate(reading.text)) {
    const allTime = parsePeriod('all time', deps.now);
    if (allTime) {
      extraction = {
        ...extraction,
        parameters: extraction.parameters.map((p) =>
          p.source === 'default' && p.value.type === 'date_range'
            ? { ...p, value: { type: 'date_range', range: allTime }, source: 'question' }
            : p,
        ),
      };
    }
  }
  const values = deps.enumValues.get(query.name) ?? new Map();
  const source = await deps.source(deps.connection);
  const sql = fillSql(query.sql, query.parameters, extraction.parameters, source.dialect, values).trim();
  try {
    const result = await deps.executor.execute(source, sql, { limits: { maxRows: settings.maxRows } });
    const { verdict: _verdict, ...rows } = result;
    // Nothing found (no rows, or every number zero or empty) is not an answer to trust instantly: the period may lie
    // outside the data ("revenue in 2021") or a value may match nothing. The agent checks the data's coverage.
    if (foundNothing(rows.rows)) {
      return {
        kind: 'miss',
        confidence: round(chosen.confidence),
        nearest,
        reason: `${query.name}: the verified query found no data for this question`,
      };
    }
    const interpretation = interpret(query, extraction.parameters, deps.vocabulary, deps.now, asked);
    return {
      kind: 'answered',
      verifiedQuery: ref,
      connection: deps.connection,
      sql,
      parameters: extraction.parameters.map((p) => ({
        name: p.name,
        display: displayValue(p.value),
        source: p.source,
      })),
      result: rows,
      confidence: round(chosen.confidence),
      elapsedMs: Date.now() - started,
      interpretation,
      sentence: answerSentence(
        interpretation,
        rows.columns.map((c) => c.name),
        rows.rows,
      ),
      values: Object.fromEntries(
        extraction.parameters.map((p) => [
          p.name,
          p.value.type === 'date_range' ? { start: p.value.range.start, end: p.value.range.end } : p.value.value,
        ]),
      ),
    };
  } catch (error) {
    // SQL_ERROR means the verified query no longer fits the database: stale. A guard refusal can come from a value
    // the user typed (e.g. a backslash the SQLite grammar reads differently): the question goes to the agent and the
    // verified query stays in service. Timeouts and connection failures are not the query's fault either.
    if (isSleuthError(error) && error.code === 'SQL_ERROR') {
      await deps.onBroken(query.name, `${error.code}: ${error.message}`.slice(0, 500));
      return { kind: 'miss', confidence: round(chosen.confidence), nearest };
    }
    // The access policy refusing the query for this caller is not the query's fault either.
    if (isSleuthError(error) && (error.code === 'SQL_REJECTED' || error.code === 'PERMISSION_DENIED')) {
      return { kind: 'miss', confidence: round(chosen.confidence), nearest };
    }
    throw error;
  }
}

/**
 * The reading named the missing value ("how many orders were cancelled": "cancelled" is the status; the extractor
 * leaves a one-word value that is also a vocabulary word to the reading): take it when it is one known value.
 */
export function completeFromReading(
  extraction: Extract<ExtractionResult, { kind: 'missing' }>,
  reading: ParsedQuestion,
  query: LoadedVerifiedQuery,
): Exclude<ExtractionResult, { kind: 'conflict' }> {
  const dimension = query.answers?.filters[extraction.parameter];
  const definition = query.parameters[extraction.parameter];
  if (!dimension || definition?.type !== 'enum') return extraction;
  const named = new Set(reading.filters.flatMap((f) => f.values.get(dimension) ?? []));
  const value = [...named][0];
  if (named.size !== 1 || value === undefined || !extraction.options.includes(value)) return extraction;
  const parameters = [
    ...extraction.parameters,
    { name: extraction.parameter, value: { type: 'enum', value }, source: 'question' } as const,
  ];
  if (!Object.keys(query.parameters).every((name) => parameters.some((p) => p.name === name))) return extraction;
  return { kind: 'complete', parameters, spans: extraction.spans };
}

/**
 * No rows, or no number in them other than zero or empty: every column that holds numbers (or only empty cells) is all
 * zero or empty. Text columns do not count ("cancelled" beside zero orders); an empty cell in a text column neither.
 */
export function foundNothing(rows: readonly (readonly unknown[])[]): boolean {
  if (rows.length === 0) return true;
  const isNumber = (v: unknown) =>
    typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v));
  const width = Math.max(...rows.map((r) => r.length));
  let numericColumns = 0;
  for (let c = 0; c < width; c++) {
    const cells = rows.map((r) => r[c]);
    if (cells.some((v) => v !== null && v !== undefined && !isNumber(v))) continue; // a text column
    numericColumns += 1;
    if (cells.some((v) => isNumber(v) && Number(v) !== 0)) return false;
  }
  return numericColumns > 0;
}

/**
 * "have we sold", "has signed up", "we've made": a present-perfect question, asked to date; "how many orders were
 * cancelled", "how much did we refund": a past event with no period named, which is every one so far too.
 */
function askedToDate(text: string): boolean {
  if (/\b(?:recent|recently|lately|latest|new|newly)\b/i.test(text)) return false;
  if (
    /\b(?:was|were)\s+(?:\w+\s+)?(?:\w+ed|sold|made|paid|lost|spent|won|brought|sent|given|taken|shipped)\b/i.test(text)
  )
    return true;
  if (/\bdid\s+(?:we|they|you|customers|users|people|\w+)\s+\w+/i.test(text)) return true;
  return /\b(?:have|has|'ve)\s+(?:we\s+|they\s+|you\s+|our\s+\w+\s+|\w+\s+)?(?:ever\s+)?(?:\w+ed|sold|made|had|got|gotten|won|lost|spent|paid|brought|seen|done|taken|given|earned|grown|built|sent|written|shipped)\b/i.test(
    text,
  );
}

function round(n: number): number {
  return Math.round(Math.min(1, n) * 1000) / 1000;
}

/**
 * The FAQ tier: runs before any model call. Takes ranked verified queries for a question and either answers
 * (fill, guard, run read-only, cite the verified query), asks back for a missing or ambiguous parameter, or reports a
 * miss so the question goes to the agent. Two candidates too close to call are a miss too: a wrong instant answer is
 * worse than none.
 */

import { isSleuthError } from '../common/errors.js';
import type { DataSource } from '../datasources/index.js';
import type { SqlExecutor } from '../sql/index.js';
import { fillSql } from './fill.js';
import type { MatchCandidate } from './matcher.js';
import { displayValue } from './parameters.js';
import type { FaqOutcome, VerifiedQueryRef } from './types.js';

export interface FaqSettings {
  /** Minimum confidence to answer (or ask back) from a verified query. */
  threshold: number;
  /** The best candidate must beat the runner-up by this much. */
  margin: number;
  /** Row cap for FAQ answers. */
  maxRows: number;
}

/** Calibrated on datasets/faq-routing.yaml; see README "Knowledge base" for precision/recall at this setting. */
export const DEFAULT_FAQ_SETTINGS: FaqSettings = { threshold: 0.7, margin: 0.04, maxRows: 1000 };

export interface FaqDeps {
  connection: string;
  source: (connection: string) => Promise<DataSource>;
  executor: Pick<SqlExecutor, 'execute'>;
  enumValues: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  settings?: Partial<FaqSettings>;
  /** Called when a verified query fails at run time (e.g. the schema moved under it): it is marked stale. */
  onBroken: (name: string, reason: string) => Promise<void>;
}

export function decide(ranked: readonly MatchCandidate[], settings: FaqSettings): MatchCandidate | null {
  const [top, second] = ranked;
  if (!top || top.confidence < settings.threshold) return null;
  if (second && second.confidence > top.confidence - settings.margin) return null;
  return top;
}

export async function answerWithFaq(ranked: readonly MatchCandidate[], deps: FaqDeps): Promise<FaqOutcome> {
  const settings = { ...DEFAULT_FAQ_SETTINGS, ...deps.settings };
  const started = Date.now();
  const nearest = ranked.slice(0, 3).map((c) => ({ name: c.query.name, confidence: round(c.confidence) }));
  const chosen = decide(ranked, settings);
  if (!chosen) return { kind: 'miss', confidence: round(ranked[0]?.confidence ?? 0), nearest };
  const query = chosen.query;
  const ref: VerifiedQueryRef = {
    name: query.name,
    description: query.description,
    owner: query.owner,
    verifiedOn: query.verified_on,
  };
  const extraction = chosen.extraction;
  if (extraction.kind === 'conflict') return { kind: 'miss', confidence: 0, nearest };
  if (extraction.kind === 'missing') {
    return {
      kind: 'ask_back',
      verifiedQuery: ref,
      connection: deps.connection,
      prompt: extraction.prompt,
      parameter: extraction.parameter,
      options: extraction.options,
      confidence: round(chosen.confidence),
    };
  }
  const values = deps.enumValues.get(query.name) ?? new Map();
  const source = await deps.source(deps.connection);
  const sql = fillSql(query.sql, query.parameters, extraction.parameters, source.dialect, values).trim();
  try {
    const result = await deps.executor.execute(source, sql, { limits: { maxRows: settings.maxRows } });
    const { verdict: _verdict, ...rows } = result;
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

function round(n: number): number {
  return Math.round(Math.min(1, n) * 1000) / 1000;
}

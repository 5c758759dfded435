/**
 * What the knowledge base offers front ends: FAQ-tier answers (verified queries, no model), suggestions drawn from
 * verified queries, and proposals of new verified queries from "helpful" feedback for an admin to confirm.
 */
import type { Actor } from '../common/actor.js';
import type { QueryResult } from '../sql/types.js';

export interface VerifiedQueryRef {
  readonly name: string;
  readonly description: string;
  readonly owner: string;
  /** YYYY-MM-DD the query was last verified by a person. */
  readonly verifiedOn: string;
}

/** A parameter value as filled into the SQL, shown to the user ("period: 2026-10-01 .. 2026-10-31"). */
export interface FilledParameter {
  readonly name: string;
  /** Human-readable value. */
  readonly display: string;
  /** Where it came from: extracted from the question, or the definition's default. */
  readonly source: 'question' | 'default';
}

/** How the FAQ tier read the question, in words, shown before the answer. */
export interface FaqInterpretation {
  /** "Revenue (completed orders, after discounts) by sales region, Jul 1 - Sep 30 2026". */
  readonly text: string;
  readonly measure: string;
  readonly dimensions: readonly string[];
  readonly filters: readonly string[];
  /** The period in words ("Oct 1-31 2026", "Nov 1-15 2026 (to date)", "all time (to Nov 15 2026)"), if any. */
  readonly period: string | null;
  /** The period is the query's default, not one the question named. */
  readonly defaultPeriod: boolean;
  /** The period as dates, start inclusive, end exclusive. */
  readonly range: { readonly start: string; readonly end: string } | null;
}

export type FaqOutcome =
  | {
      readonly kind: 'answered';
      readonly verifiedQuery: VerifiedQueryRef;
      readonly connection: string;
      /** The filled SQL that ran (after the guard). */
      readonly sql: string;
      readonly parameters: readonly FilledParameter[];
      readonly result: QueryResult;
      /** Calibrated match confidence in [0, 1]. */
      readonly confidence: number;
      readonly elapsedMs: number;
      /** The question as read: measure, breakdown, filters, period. */
      readonly interpretation?: FaqInterpretation;
      /** One plain-English sentence built from the first row(s). */
      readonly sentence?: string;
      /** Parameter values as filled (machine-readable; date ranges end exclusive). */
      readonly values?: Readonly<Record<string, string | number | { start: string; end: string }>>;
    }
  | {
      /** The question matches a verified query but a parameter is missing or ambiguous: ask instead of guessing. */
      readonly kind: 'ask_back';
      readonly verifiedQuery: VerifiedQueryRef;
      readonly connection: string;
      /** The question to ask the user, e.g. "Which period do you mean? For example: last month, Q3 2025". */
      readonly prompt: string;
      readonly parameter: string;
      /** Candidate values when the ambiguity is between known values. */
      readonly options: readonly string[];
      readonly confidence: number;
      readonly interpretation?: FaqInterpretation;
    }
  | {
      /** No verified query is a confident match: the question goes to the agent. */
      readonly kind: 'miss';
      readonly confidence: number;
      readonly nearest: readonly { readonly name: string; readonly confidence: number }[];
      /** Why the nearest verified query does not answer it ("the query is not broken down by region"). */
      readonly reason?: string;
    };

export interface FaqRequest {
  readonly question: string;
  /** Connection name; the default connection when omitted. */
  readonly connection?: string;
  /** Who is asking: the access policy decides with it (the composition root's knowledge base enforces it). */
  readonly actor?: Actor;
}

export interface VerifiedQueryProposal {
  readonly id: string;
  readonly question: string;
  readonly sql: string;
  readonly connection: string;
  readonly investigationId: string | null;
  readonly proposedBy: string | null;
  readonly note: string | null;
  readonly status: 'pending' | 'confirmed' | 'rejected';
  readonly createdAt: string;
}

export interface ProposeVerifiedQueryInput {
  readonly question: string;
  readonly sql: string;
  readonly connection: string;
  readonly investigationId?: string;
  readonly proposedBy?: string;
  readonly note?: string;
}

/** The narrow face of the knowledge base that front ends (Slack, HTTP, MCP, CLI) use. */
export interface KnowledgeService {
  answerFaq(request: FaqRequest): Promise<FaqOutcome>;
  /** Example questions from verified queries (first phrasing of each, fresh ones only), for suggested prompts. */
  suggestedQuestions(limit: number, connection?: string): Promise<string[]>;
  proposeVerifiedQuery(input: ProposeVerifiedQueryInput): Promise<VerifiedQueryProposal>;
}

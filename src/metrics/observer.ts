/**
 * Observers of Sleuth's work: what metrics (and later tracing) need, reported from one place each. The composition
 * root reports investigations, SQL statements and FAQ lookups (src/metrics/instrument.ts wraps the engine, the
 * executor and the knowledge base); the Slack app reports its Web API calls through the hook it is given. Observers
 * must be cheap and must not throw (a throwing one is ignored, never the caller's problem).
 */
import type { InvestigationEvent } from '../agent/events.js';

export type SqlOutcome = 'ok' | 'rejected' | 'error';
export type FaqResult = 'hit' | 'ask_back' | 'miss';
export type SlackCallOutcome = 'ok' | 'error' | 'rate_limited';

export interface InvestigationFinished {
  investigationId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** The engine's own recorded duration (finished - started), in ms. */
  durationMs: number;
  steps: number;
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface SleuthObserver {
  investigationStarted?(info: { connection: string }): void;
  investigationEvent?(event: InvestigationEvent): void;
  /** Always follows investigationStarted; `finished` is undefined when the caller stopped reading early. */
  investigationEnded?(info: { connection: string; finished: InvestigationFinished | undefined }): void;
  sqlStatement?(info: { connection: string; outcome: SqlOutcome; durationMs: number; guardCode?: string }): void;
  faqRequest?(info: { result: FaqResult }): void;
  /** One Slack Web API call as its caller saw it in the end (after any retries). */
  slackCall?(info: { method: string; outcome: SlackCallOutcome }): void;
  /** Slack answered 429 (each time, also when the call is retried and then succeeds). */
  slackRateLimited?(info: { method: string; retryAfterSeconds: number }): void;
}

/** Every observer method, fanned out to the observers added; `add` returns the function that removes one. */
export interface ObserverHub extends Required<SleuthObserver> {
  add(observer: SleuthObserver): () => void;
}

export function createObserverHub(): ObserverHub {
  const observers = new Set<SleuthObserver>();
  const fan =
    <K extends keyof SleuthObserver>(name: K) =>
    (info: Parameters<Required<SleuthObserver>[K]>[0]) => {
      for (const observer of observers) {
        const method = observer[name] as ((arg: typeof info) => void) | undefined;
        if (!method) continue;
        try {
          method.call(observer, info);
        } catch {
          // an observer's failure is its own
        }
      }
    };
  return {
    add(observer) {
      observers.add(observer);
      return () => {
        observers.delete(observer);
      };
    },
    investigationStarted: fan('investigationStarted'),
    investigationEvent: fan('investigationEvent'),
    investigationEnded: fan('investigationEnded'),
    sqlStatement: fan('sqlStatement'),
    faqRequest: fan('faqRequest'),
    slackCall: fan('slackCall'),
    slackRateLimited: fan('slackRateLimited'),
  };
}

/**
 * Observing Sleuth: the observer port and hub (reported to from the composition root and the Slack app), the taps
 * that report from the engine, the executor and the FAQ tier, and the Prometheus metrics built on them.
 */
export { observeExecutor, observeFaq, observeInvestigation } from './instrument.js';
export {
  createObserverHub,
  type FaqResult,
  type InvestigationFinished,
  type ObserverHub,
  type SlackCallOutcome,
  type SleuthObserver,
  type SqlOutcome,
} from './observer.js';
export { createMetrics, type Metrics, type MetricsOptions, type QueueDepthSource } from './registry.js';

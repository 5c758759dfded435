export { isFinishedStatus, isTerminalEvent, toInvestigationEvent } from './events.js';
export { createInProcessEventBus, createInProcessQueue } from './in-process.js';
export {
  createInvestigationService,
  type InvestigationService,
  type InvestigationServiceDeps,
  type StartInvestigationRequest,
  type WatchOptions,
} from './service.js';
export type {
  CancelOutcome,
  EventBus,
  InvestigationJob,
  JobHandler,
  JobQueue,
  JobRunContext,
  QueueDepth,
} from './types.js';
export { createInvestigationWorker, type InvestigationWorkerDeps, type RunInvestigation } from './worker.js';

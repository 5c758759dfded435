export { isFinishedStatus, isTerminalEvent, recordEnd, toInvestigationEvent } from './events.js';
export { fenceStore } from './fence.js';
export { createInProcessEventBus, createInProcessQueue } from './in-process.js';
export {
  CANCEL_CHANNEL,
  createPgBossQueue,
  INVESTIGATION_QUEUE,
  JOBS_CHANNEL,
  type PgBossQueue,
  type PgBossQueueOptions,
} from './pg-boss.js';
export { createPgEventBus, EVENTS_CHANNEL, type PgEventBusDeps } from './pg-event-bus.js';
export { JOB_LOCK_KEY_SQL } from './pg-lease.js';
export { createPgNotifications, type PgNotifications, type PgNotificationsOptions } from './pg-notifications.js';
export { createJobRuntime, type JobRuntime, type JobRuntimeOptions, ROLE_NEEDS_POSTGRES } from './runtime.js';
export {
  createInvestigationService,
  type InvestigationService,
  type InvestigationServiceDeps,
  type StartInvestigationRequest,
  type WatchOptions,
} from './service.js';
export {
  type CancelOutcome,
  type EventBus,
  type InvestigationJob,
  isHandedBack,
  JobHandedBack,
  type JobHandler,
  type JobQueue,
  type JobRunContext,
  type QueueDepth,
  SERVE_ROLES,
  type ServeRole,
} from './types.js';
export { createInvestigationWorker, type InvestigationWorkerDeps, type RunInvestigation } from './worker.js';

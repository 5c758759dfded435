export type {
  EventBus,
  InvestigationJob,
  JobHandler,
  JobQueue,
  JobRunContext,
  QueueDepth,
} from './types.js';

export {
  actorKey,
  createLimits,
  housekeepLimits,
  type InvestigationTicket,
  isRefusal,
  type Limits,
  type LimitsDeps,
  type TakeRequest,
  utcDay,
} from './limits.js';
export {
  formatWait,
  type LimitCode,
  type LimitDecision,
  LimitError,
  type LimitName,
  type LimitRefusal,
} from './refusal.js';

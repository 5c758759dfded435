export {
  type Audit,
  type AuditDeps,
  type AuditInput,
  type AuditJournal,
  type AuditStore,
  actorColumns,
  createAudit,
  isRefusalError,
  REFUSAL_CODES,
  type RefusalInput,
  retentionCutoff,
  verdictOf,
} from './audit.js';
export { parseSince } from './since.js';
export { auditQuestion, type QuestionTrail } from './trail.js';

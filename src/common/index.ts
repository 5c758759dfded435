export {
  ACTOR_ROLES,
  type Actor,
  type ActorKind,
  type ActorRole,
  cliActor,
  isAdmin,
  mayAccessOwned,
} from './actor.js';
export { type Clock, createFakeClock, type FakeClock, systemClock } from './clock.js';
export {
  BugError,
  ConfigError,
  type ErrorCode,
  type ErrorFault,
  isSleuthError,
  SleuthError,
  type SleuthErrorOptions,
  UpstreamError,
  UsageError,
  UserError,
} from './errors.js';
export { createLogger, type Logger, type LoggerOptions, withCorrelation } from './logger.js';
export {
  columnKind,
  countText,
  DEFAULT_NUMBER_FORMAT,
  formatCell,
  formatNumber,
  type NumberFormat,
  type NumberKind,
  numericValue,
  shortId,
  unitKind,
} from './numbers.js';
export { createSecretRedactor, redactSecrets, redactUrl, type SecretRedactor, urlPassword } from './redact.js';

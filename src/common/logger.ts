import { randomUUID } from 'node:crypto';
import { type DestinationStream, type Logger, pino } from 'pino';
import { redactSecrets } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; defaults to stderr so stdout stays clean for command output. */
  destination?: DestinationStream;
  /** Secret redaction applied to every line (default redactSecrets; a SecretRedactor adds configured secrets). */
  redact?: (text: string) => string;
}

/**
 * JSON logs via pino. Known secret fields are censored by path, and every string message is passed through
 * redactSecrets so a URL with a password or a token never reaches the log.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = options.redact ?? redactSecrets;
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'apiKey',
          '*.apiKey',
          'authorization',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redact(a) : a)) as typeof args;
          method.apply(this, redacted);
        },
      },
      formatters: {
        log(object) {
          return JSON.parse(redact(JSON.stringify(object))) as Record<string, unknown>;
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A child logger carrying a correlation id for one request/command/investigation. */
export function withCorrelation(logger: Logger, correlationId: string = randomUUID()): Logger {
  return logger.child({ correlationId });
}

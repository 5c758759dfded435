import type { Logger } from '../../common/logger.js';
import type { ConnectionConfig, DataSource } from '../../datasources/types.js';
import type { QueryResult, ReadOnlyLimits } from '../types.js';
import { messageOf } from './errors.js';

export interface PooledSourceParts {
  config: ConnectionConfig;
  runReadOnly(sql: string, params: readonly unknown[], limits: ReadOnlyLimits): Promise<QueryResult>;
  canWrite(): Promise<boolean>;
  closePool(): Promise<void>;
  logger: Logger;
}

/**
 * A DataSource over a server pool: on first use it checks, once, whether the account could write and logs a warning
 * recommending a read-only role; `close` waits for that check and ends the pool.
 */
export function pooledDataSource(parts: PooledSourceParts): DataSource {
  const { config } = parts;
  let writeCheck: Promise<boolean> | undefined;
  return {
    name: config.name,
    dialect: config.dialect,
    limits: { timeoutMs: config.timeoutMs, maxRows: config.maxRows },
    runReadOnly(sql, params, limits) {
      writeCheck ??= warnIfWritable(config.name, parts.canWrite, parts.logger);
      return parts.runReadOnly(sql, params, limits);
    },
    canWrite: parts.canWrite,
    async ping() {
      await parts.runReadOnly('SELECT 1', [], { timeoutMs: 5_000, maxRows: 1 });
    },
    async close() {
      await writeCheck; // never rejects
      await parts.closePool();
    },
  };
}

/** Logs when the account could write, recommending a read-only role. Never throws. */
async function warnIfWritable(name: string, canWrite: () => Promise<boolean>, logger: Logger): Promise<boolean> {
  try {
    const writable = await canWrite();
    if (writable) {
      logger.warn(
        { connection: name },
        `connection "${name}" uses an account that can write; Sleuth only reads, but a read-only role is the last line of defence (see docs/security.md, "Read-only database role")`,
      );
    }
    return writable;
  } catch (error) {
    logger.debug({ connection: name, err: messageOf(error) }, 'could not check write privileges');
    return false;
  }
}

/**
 * Composition root: load config, build adapters, wire them. The only place that turns env into objects; every
 * front end (CLI today; Slack, HTTP and MCP later) gets a SleuthContext and nothing global.
 */
import type { DestinationStream } from 'pino';
import { createLogger, type Logger, withCorrelation } from './common/logger.js';
import { loadConfig, type SleuthConfig } from './config/index.js';
import {
  createDataSource,
  createDataSourceRegistry,
  type DataSource,
  type DataSourceRegistry,
  parseConnectionUrl,
} from './datasources/index.js';
import { ensureDemoSqlite } from './demo/index.js';
import { createSqlExecutor, createSqlGuard, type SqlExecutor } from './sql/index.js';
import type { SqlGuard } from './sql/types.js';

export interface SleuthContext {
  readonly config: SleuthConfig;
  readonly logger: Logger;
  readonly guard: SqlGuard;
  readonly executor: SqlExecutor;
  /** A connected data source by configured name, or an ad hoc one from a URL; default connection when omitted. */
  source(nameOrUrl?: string): Promise<DataSource>;
  /** The SQLite demo database (built on first use), whatever the configured connections are. */
  demoSource(): Promise<DataSource>;
  close(): Promise<void>;
}

export interface CreateSleuthContextOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logDestination?: DestinationStream;
}

export async function createSleuthContext(options: CreateSleuthContextOptions): Promise<SleuthContext> {
  const config = loadConfig({ env: options.env, cwd: options.cwd });
  // One correlation id per context (one CLI invocation; later one request or investigation), on every log line.
  const logger = withCorrelation(createLogger({ level: config.logLevel, destination: options.logDestination }));
  const guard = await createSqlGuard();
  const executor = createSqlExecutor({ guard, logger });
  const registry: DataSourceRegistry = createDataSourceRegistry(config.connections, { logger });
  const adHoc: DataSource[] = [];

  async function source(nameOrUrl?: string): Promise<DataSource> {
    const wanted = nameOrUrl ?? config.defaultConnection;
    if (wanted.includes(':')) {
      const { dialect } = parseConnectionUrl(wanted);
      const created = createDataSource({ name: 'adhoc', url: wanted, dialect, ...config.defaults }, { logger });
      adHoc.push(created);
      return created;
    }
    if (config.usesDemoConnection && wanted === config.defaultConnection) {
      await ensureDemoSqlite({ dataDir: config.dataDir, now: config.now, logger });
    }
    return registry.get(wanted);
  }

  async function demoSource(): Promise<DataSource> {
    const path = await ensureDemoSqlite({ dataDir: config.dataDir, now: config.now, logger });
    const created = createDataSource(
      { name: 'demo', url: `sqlite:${path}`, dialect: 'sqlite', ...config.defaults },
      { logger },
    );
    adHoc.push(created);
    return created;
  }

  return {
    config,
    demoSource,
    logger,
    guard,
    executor,
    source,
    async close() {
      await Promise.allSettled([registry.closeAll(), ...adHoc.map((s) => s.close())]);
    },
  };
}

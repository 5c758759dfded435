import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { createMcpSource, type McpToolCaller } from './mcp.js';
import type { ConnectionConfig, DataSource } from './types.js';

export interface DataSourceDeps {
  logger: Logger;
  /** The external MCP servers (mcp.json) behind mcp:// connections. */
  mcp?: McpToolCaller;
}

/**
 * Builds the adapter for a connection. Nothing connects until the first query (pools open lazily), and the dialect's
 * driver (pg, mysql2, sqlite3) loads only then: `sleuth sql` on the SQLite demo never loads pg or mysql2.
 */
export function createDataSource(config: ConnectionConfig, deps: DataSourceDeps): DataSource {
  if (/^mcp:/i.test(config.url)) return createMcpSource(config, deps);
  switch (config.dialect) {
    case 'postgres':
      return lazySource(config, async () =>
        (await import('../sql/dialects/postgres.js')).createPostgresSource(config, deps),
      );
    case 'mariadb':
      return lazySource(config, async () =>
        (await import('../sql/dialects/mariadb.js')).createMariadbSource(config, deps),
      );
    case 'sqlite':
      return lazySource(config, async () =>
        (await import('../sql/dialects/sqlite.js')).createSqliteSource(config, deps),
      );
  }
}

/** A DataSource whose adapter (and driver) is created on its first call; closing one never used loads nothing. */
function lazySource(config: ConnectionConfig, create: () => Promise<DataSource>): DataSource {
  let created: Promise<DataSource> | undefined;
  const adapter = (): Promise<DataSource> => {
    created ??= create();
    created.catch(() => {
      created = undefined;
    });
    return created;
  };
  return {
    name: config.name,
    dialect: config.dialect,
    limits: { timeoutMs: config.timeoutMs, maxRows: config.maxRows },
    async runReadOnly(sql, params, limits) {
      return (await adapter()).runReadOnly(sql, params, limits);
    },
    async canWrite() {
      return (await adapter()).canWrite();
    },
    async ping() {
      await (await adapter()).ping();
    },
    async close() {
      const opened = created ? await created.catch(() => undefined) : undefined;
      created = undefined;
      await opened?.close();
    },
  };
}

export interface DataSourceRegistry {
  names(): string[];
  /** The connected source by name; throws CONNECTION_UNKNOWN with the known names. */
  get(name: string): DataSource;
  closeAll(): Promise<void>;
}

export function createDataSourceRegistry(
  connections: readonly ConnectionConfig[],
  deps: DataSourceDeps,
  create: typeof createDataSource = createDataSource,
): DataSourceRegistry {
  const configs = new Map(connections.map((c) => [c.name, c]));
  const open = new Map<string, DataSource>();
  return {
    names: () => [...configs.keys()],
    get(name) {
      const existing = open.get(name);
      if (existing) return existing;
      const config = configs.get(name);
      if (!config) {
        throw new UserError(
          'CONNECTION_UNKNOWN',
          `No connection named "${name}". Configured: ${[...configs.keys()].join(', ') || '(none)'}.`,
        );
      }
      const source = create(config, deps);
      open.set(name, source);
      return source;
    },
    async closeAll() {
      const sources = [...open.values()];
      open.clear();
      await Promise.allSettled(sources.map((s) => s.close()));
    },
  };
}

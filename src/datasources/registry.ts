import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { createMariadbSource } from '../sql/dialects/mariadb.js';
import { createPostgresSource } from '../sql/dialects/postgres.js';
import { createSqliteSource } from '../sql/dialects/sqlite.js';
import { createMcpSource, type McpToolCaller } from './mcp.js';
import type { ConnectionConfig, DataSource } from './types.js';

export interface DataSourceDeps {
  logger: Logger;
  /** The external MCP servers (mcp.json) behind mcp:// connections. */
  mcp?: McpToolCaller;
}

/** Builds the adapter for a connection. Nothing connects until the first query (pools open lazily). */
export function createDataSource(config: ConnectionConfig, deps: DataSourceDeps): DataSource {
  if (/^mcp:/i.test(config.url)) return createMcpSource(config, deps);
  switch (config.dialect) {
    case 'postgres':
      return createPostgresSource(config, deps);
    case 'mariadb':
      return createMariadbSource(config, deps);
    case 'sqlite':
      return createSqliteSource(config, deps);
  }
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

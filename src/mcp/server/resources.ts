/**
 * The schema as MCP resources, read through `context.schema` with the session's actor:
 *   sleuth://schema/<connection>           the tables and views of a connection (names, kinds, row estimates, comments)
 *   sleuth://schema/<connection>/<table>   one table: columns, types, keys, foreign keys, comments
 * Listing describes every configured connection's tables once per MCP session (cached for a minute); a connection
 * that cannot be reached is left out of the list (and logged) rather than failing it.
 */
import {
  McpError,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { Actor } from '../../common/actor.js';
import type { Logger } from '../../common/logger.js';
import type { SleuthConfig } from '../../config/index.js';
import type { SchemaView, SleuthContext } from '../../main.js';

const SCHEME = 'sleuth://schema/';
const LIST_TTL_MS = 60_000;
/** JSON-RPC error code for an unknown resource, as the MCP specification defines it. */
const RESOURCE_NOT_FOUND = -32002;

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: `${SCHEME}{connection}`,
    name: 'connection-tables',
    title: 'Tables of a connection',
    description: 'The tables and views of a connection, with kinds, row estimates and comments.',
    mimeType: 'application/json',
  },
  {
    uriTemplate: `${SCHEME}{connection}/{table}`,
    name: 'table',
    title: 'One table',
    description: 'Columns, types, primary and foreign keys and comments of one table (schema.table allowed).',
    mimeType: 'application/json',
  },
];

export interface SchemaResources {
  list(): Promise<Resource[]>;
  read(uri: string): Promise<ReadResourceResult>;
}

export interface SchemaResourcesEnv {
  config: SleuthConfig;
  /** The context, opened on the first read or listing (not before: `sleuth mcp` answers `initialize` first). */
  context: () => Promise<SleuthContext>;
  actor: Actor;
  logger: Logger;
}

export function createSchemaResources(env: SchemaResourcesEnv): SchemaResources {
  const cache = new Map<string, { at: number; view: Promise<SchemaView> }>();
  const names = () => env.config.connections.map((c) => c.name);

  function schemaOf(connection: string): Promise<SchemaView> {
    const hit = cache.get(connection);
    if (hit && Date.now() - hit.at < LIST_TTL_MS) return hit.view;
    const view = env.context().then((context) => context.schema({ actor: env.actor, db: connection }));
    cache.set(connection, { at: Date.now(), view });
    view.catch(() => cache.delete(connection));
    return view;
  }

  return {
    async list() {
      const resources: Resource[] = [];
      for (const connection of names()) {
        resources.push({
          uri: `${SCHEME}${encodeURIComponent(connection)}`,
          name: `${connection}: tables`,
          mimeType: 'application/json',
        });
        try {
          const view = await schemaOf(connection);
          for (const table of view.tables) {
            const name = qualifiedName(table);
            resources.push({
              uri: `${SCHEME}${encodeURIComponent(connection)}/${encodeURIComponent(name)}`,
              name: `${connection}: ${name}`,
              ...(table.comment ? { description: table.comment } : {}),
              mimeType: 'application/json',
            });
          }
        } catch (error) {
          env.logger.warn({ connection, err: String(error) }, 'schema not listed as MCP resources');
        }
      }
      return resources;
    },
    async read(uri) {
      const parts = parseUri(uri);
      if (!parts || !names().includes(parts.connection)) {
        throw new McpError(RESOURCE_NOT_FOUND, `No resource ${uri} (see resources/list).`);
      }
      let body: unknown;
      if (parts.table === undefined) {
        const view = await schemaOf(parts.connection);
        body = {
          connection: view.connection,
          dialect: view.dialect,
          tables: view.tables.map(({ columns: _c, primaryKey: _p, foreignKeys: _f, ...summary }) => summary),
        };
      } else {
        body = await (await env.context()).schema({ actor: env.actor, db: parts.connection, table: parts.table });
      }
      return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(body) }] };
    },
  };
}

function qualifiedName(table: { schema?: string; name: string }): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}

function parseUri(uri: string): { connection: string; table?: string } | undefined {
  if (!uri.startsWith(SCHEME)) return undefined;
  const rest = uri.slice(SCHEME.length).split('/');
  if (rest.length < 1 || rest.length > 2 || rest.some((p) => p === '')) return undefined;
  try {
    const connection = decodeURIComponent(rest[0]!);
    return rest.length === 2 ? { connection, table: decodeURIComponent(rest[1]!) } : { connection };
  } catch {
    return undefined;
  }
}

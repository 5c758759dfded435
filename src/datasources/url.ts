import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import type { SqlDialect } from '../sql/dialect.js';

export interface ParsedConnectionUrl {
  dialect: SqlDialect;
  /** For sqlite: the database file path (absolute when a base directory was given). */
  path?: string;
  /** For mcp://: the external MCP server that runs the SQL. */
  mcp?: McpConnectionTarget;
}

/**
 * `mcp://<server>?dialect=postgres|mariadb|mysql|sqlite[&tool=<name>][&arg=<name>]`: SQL runs through a query tool
 * of the server named `<server>` in mcp.json. `dialect` (required) is what the guard parses the SQL as; `tool` picks
 * the server's SQL tool (default: a known one such as `query` or `execute_sql`) and `arg` its SQL argument (default
 * `sql`, else `query`).
 */
export interface McpConnectionTarget {
  server: string;
  tool?: string;
  arg?: string;
}

const MCP_URL = /^mcp:\/\/([^/?#]+)\/?(?:\?([^#]*))?$/i;
const MCP_PARAMS = new Set(['dialect', 'tool', 'arg']);

/**
 * Recognises `postgres://`, `postgresql://` (Supabase included), `mysql://`, `mariadb://` and `sqlite:<path>`
 * (`sqlite:relative/file.db`, `sqlite:/abs/file.db`, `sqlite:///abs/file.db`), and `mcp://<server>?dialect=...`. Throws an Error with a message that
 * never contains the URL's password.
 */
export function parseConnectionUrl(url: string, baseDir?: string): ParsedConnectionUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('///')) path = path.slice(2);
    else if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new UsageError('A sqlite: URL needs a file path, e.g. sqlite:./data/shop.db');
    if (path === ':memory:')
      throw new UsageError('sqlite::memory: databases are empty and not supported; give a file path.');
    return { dialect: 'sqlite', path: baseDir && !isAbsolute(path) ? resolve(baseDir, path) : path };
  }
  if (scheme === 'mcp') return parseMcpUrl(url);
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql' || scheme === 'mariadb') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`Not a valid ${scheme}:// URL (expected ${scheme}://user:password@host:port/database).`);
    }
    if (!parsed.hostname) throw new UsageError(`The ${scheme}:// URL has no host.`);
    return { dialect: scheme.startsWith('postgres') ? 'postgres' : 'mariadb' };
  }
  throw new UsageError(
    `Unsupported connection URL scheme "${scheme ?? url.slice(0, 12)}": use postgres://, postgresql://, mysql://, mariadb://, sqlite:<path> or mcp://<server>?dialect=...`,
  );
}

function parseMcpUrl(url: string): ParsedConnectionUrl {
  const match = MCP_URL.exec(url);
  if (!match?.[1]) {
    throw new UsageError('An mcp:// URL names a server from mcp.json: mcp://<server>?dialect=postgres|mariadb|sqlite.');
  }
  const server = decodeURIComponent(match[1]);
  const params = new URLSearchParams(match[2] ?? '');
  for (const key of params.keys()) {
    if (!MCP_PARAMS.has(key))
      throw new UsageError(`mcp:// URL parameter "${key}" is unknown (known: dialect, tool, arg).`);
  }
  const rawDialect = params.get('dialect')?.toLowerCase();
  const dialect = rawDialect === 'mysql' ? 'mariadb' : rawDialect;
  if (dialect !== 'postgres' && dialect !== 'mariadb' && dialect !== 'sqlite') {
    throw new UsageError(
      `mcp://${server} needs ?dialect=postgres, mariadb (or mysql) or sqlite: the guard parses SQL in that dialect.`,
    );
  }
  const tool = params.get('tool') || undefined;
  const arg = params.get('arg') || undefined;
  return { dialect, mcp: { server, ...(tool ? { tool } : {}), ...(arg ? { arg } : {}) } };
}

/**
 * mcp.json: the external MCP servers Sleuth may start, in the usual `mcpServers` format shared with other MCP
 * clients:
 *
 *   { "mcpServers": { "warehouse": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres",
 *                                                                "${WAREHOUSE_RO_URL}"], "env": {} } } }
 *
 * `${VAR}` in command, args, env and cwd is replaced from the environment, so secrets stay out of the file. A server
 * entry Sleuth cannot use (a remote `url` server, a misspelled key, a `${VAR}` that is not set) is recorded with the
 * reason; it is an error only when a connection uses that server. A missing mcp.json is fine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

export interface McpServerConfig {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the few variables every server gets (HOME, PATH, USER...); Sleuth's own environment is not passed. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory of the server: `cwd` from the file, resolved against the file's folder (default). */
  readonly cwd: string;
}

export interface McpServersConfig {
  /** Absolute path where mcp.json was looked for. */
  readonly path: string;
  /** The same path when the file exists and was read. */
  readonly file: string | undefined;
  readonly servers: Readonly<Record<string, McpServerConfig>>;
  /** Declared servers Sleuth cannot start, with the reason. */
  readonly unavailable: Readonly<Record<string, string>>;
  /** Problems with the file as a whole (unreadable, not JSON, wrong shape). */
  readonly problems: readonly string[];
}

export function emptyMcpServers(path: string): McpServersConfig {
  return { path, file: undefined, servers: {}, unavailable: {}, problems: [] };
}

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const fileSchema = z.strictObject({
  mcpServers: z.record(
    z.string().regex(SERVER_NAME, 'server names are letters, digits, "_", "." and "-" (at most 64)'),
    z.unknown(),
  ),
});

const stdioServerSchema = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'command must not be empty'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).optional(),
  description: z.string().optional(),
});

export interface ReadMcpServersOptions {
  /** Path of the file (absolute, or relative to cwd). */
  path: string;
  cwd: string;
  /** True when the path was given explicitly (SLEUTH_MCP_CONFIG): then a missing file is a problem. */
  explicit: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export function readMcpServersFile(options: ReadMcpServersOptions): McpServersConfig {
  const file = resolve(options.cwd, options.path);
  const empty = emptyMcpServers(file);
  if (!existsSync(file)) {
    return options.explicit
      ? { ...empty, problems: [`SLEUTH_MCP_CONFIG points to ${file}, which does not exist.`] }
      : empty;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ...empty, file, problems: [`${file} is not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `${file}: ${where}: ${issue.message} (expected {"mcpServers": {"<name>": {"command": ..., "args": [...], "env": {...}}}})`;
    });
    return { ...empty, file, problems };
  }
  const servers: Record<string, McpServerConfig> = {};
  const unavailable: Record<string, string> = {};
  for (const [name, entry] of Object.entries(parsed.data.mcpServers)) {
    const server = readServer(name, entry, file, options.env);
    if (typeof server === 'string') unavailable[name] = server;
    else servers[name] = server;
  }
  return { path: file, file, servers, unavailable, problems: [] };
}

/** The server's config, or why Sleuth cannot use it. */
function readServer(
  name: string,
  entry: unknown,
  file: string,
  env: ReadMcpServersOptions['env'],
): McpServerConfig | string {
  if (entry !== null && typeof entry === 'object' && 'url' in entry && !('command' in entry)) {
    return `MCP server "${name}" in ${file} is a remote (url) server; Sleuth starts stdio servers only (command, args, env).`;
  }
  const parsed = stdioServerSchema.safeParse(entry);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    return `MCP server "${name}" in ${file} is not valid: ${details}.`;
  }
  const missing = new Set<string>();
  const sub = (text: string) =>
    text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const value = env[variable];
      if (value === undefined) missing.add(variable);
      return value ?? '';
    });
  const server: McpServerConfig = {
    name,
    command: sub(parsed.data.command),
    args: parsed.data.args.map(sub),
    env: Object.fromEntries(Object.entries(parsed.data.env).map(([k, v]) => [k, sub(v)])),
    cwd: resolve(dirname(file), sub(parsed.data.cwd ?? '.')),
  };
  if (missing.size > 0) {
    return `MCP server "${name}" in ${file} uses ${[...missing].map((v) => `\${${v}}`).join(', ')}, which ${missing.size === 1 ? 'is' : 'are'} not set.`;
  }
  return server;
}

/** Why a connection cannot use `server`, or undefined when it can. */
export function mcpServerProblem(config: McpServersConfig, server: string): string | undefined {
  if (config.problems.length > 0) return config.problems.join(' ');
  if (config.servers[server]) return undefined;
  if (config.unavailable[server]) return config.unavailable[server];
  if (!config.file) return `No mcp.json found (looked for ${config.path}) to start the MCP server "${server}".`;
  const declared = Object.keys({ ...config.servers, ...config.unavailable });
  return `No MCP server named "${server}" in ${config.file} (declared: ${declared.join(', ') || '(none)'}).`;
}

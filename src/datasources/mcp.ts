/**
 * A DataSource whose SQL runs through the query tool of an external MCP server declared in mcp.json (for example
 * `@modelcontextprotocol/server-postgres`'s `query` or `@bytebase/dbhub`'s `execute_sql`).
 *
 * Threat model: the executor has already guarded the statement, but the external server re-reads the text with its
 * own lexer and runs it with its own settings, and every published bypass lived in such a gap. So, before anything
 * goes on the wire:
 * - a statement containing ";" anywhere is refused: some servers split the text into statements themselves (dbhub
 *   does; MariaDB connectors run with multipleStatements on), and a splitter that disagrees with the guard about a
 *   comment or a quote would turn one allowed statement into several;
 * - a statement with a backslash is refused unless the server lexes backslashes as the guard does (PostgreSQL with
 *   standard_conforming_strings on; MariaDB without NO_BACKSLASH_ESCAPES/ANSI_QUOTES), checked once per source;
 * - bound parameters (only our own fixed catalog SQL has them) are inlined as numeric literals only.
 * What we cannot enforce on the server is documented: the read-only transaction (server-postgres opens one; dbhub
 * only with `readonly = true`) and the statement timeout (we stop waiting and cancel the call; the server's query may
 * run on, so set statement_timeout on its role). The row cap is ours: PostgreSQL SELECTs are wrapped so the server
 * stops at the cap + 1, and whatever comes back is cut and flagged `truncated`.
 */
import { BugError, UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { SqlDialect } from '../sql/dialect.js';
import { MARIADB_CAN_WRITE_SQL, POSTGRES_CAN_WRITE_SQL } from '../sql/dialects/can-write.js';
import { sqlTimeoutError } from '../sql/dialects/errors.js';
import { pooledDataSource } from '../sql/dialects/source.js';
import type { QueryResult, ReadOnlyLimits } from '../sql/types.js';
import { type McpToolResult, parseToolRows } from './mcp-result.js';
import type { ConnectionConfig, DataSource } from './types.js';
import { parseConnectionUrl } from './url.js';

export type { McpToolResult } from './mcp-result.js';

export interface McpToolInfo {
  name: string;
  inputSchema?: { properties?: Record<string, unknown>; required?: readonly string[] };
}

/**
 * The port to the external MCP servers (implemented by the MCP client pool in src/mcp/client). Servers start on first
 * use. `callTool` rejects with CONFIG_INVALID for a server mcp.json does not declare, CONNECTION_FAILED when the
 * server cannot start or exits during the call, and with the signal's reason when the signal aborts; a tool or
 * JSON-RPC error from the server is a result with `isError`.
 */
export interface McpToolCaller {
  listTools(server: string): Promise<readonly McpToolInfo[]>;
  callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal },
  ): Promise<McpToolResult>;
}

/** SQL tools of well-known MCP servers, tried in this order when the URL names none. */
const KNOWN_SQL_TOOLS = ['query', 'execute_sql', 'run_sql', 'execute_query'];
const PROBE_TIMEOUT_MS = 10_000;

export function createMcpSource(config: ConnectionConfig, deps: { logger: Logger; mcp?: McpToolCaller }): DataSource {
  const target = parseConnectionUrl(config.url).mcp;
  const caller = deps.mcp;
  if (!target || !caller) throw new BugError(`createMcpSource needs an mcp:// URL and the MCP client pool.`);
  const { server } = target;
  let tool: Promise<{ name: string; arg: string }> | undefined;
  let backslashes: Promise<boolean> | undefined;

  function resolveTool(): Promise<{ name: string; arg: string }> {
    tool ??= pickTool(server, target!, caller!);
    tool.catch(() => {
      tool = undefined;
    });
    return tool;
  }

  /** One call of the SQL tool with our timeout and row cap; `sql` is guarded or our own fixed SQL. */
  async function call(sql: string, limits: ReadOnlyLimits): Promise<QueryResult> {
    if (sql.includes(';')) throw refused('MULTIPLE_STATEMENTS', SEMICOLON_REASON);
    const { name, arg } = await resolveTool();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('statement timeout')), limits.timeoutMs);
    const started = performance.now();
    let result: McpToolResult;
    try {
      result = await caller!.callTool(server, name, { [arg]: sql }, { signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) throw sqlTimeoutError(limits.timeoutMs, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const { columns, rows } = parseToolRows(result, server);
    const truncated = rows.length > limits.maxRows;
    if (truncated) rows.length = limits.maxRows;
    const elapsedMs = Math.round(performance.now() - started);
    return { columns, rows, rowCount: rows.length, truncated, elapsedMs };
  }

  /** True when the server reads backslashes in string literals exactly as the guard does. Fails closed. */
  function backslashesSafe(): Promise<boolean> {
    backslashes ??= probeBackslashes(config.dialect, (sql) =>
      call(sql, { timeoutMs: PROBE_TIMEOUT_MS, maxRows: 1 }),
    ).catch((error: unknown) => {
      deps.logger.debug({ connection: config.name, err: String(error) }, 'could not check how the server lexes \\');
      backslashes = undefined;
      return false;
    });
    return backslashes;
  }

  async function runReadOnly(sql: string, params: readonly unknown[], limits: ReadOnlyLimits): Promise<QueryResult> {
    if (sql.includes(';')) throw refused('MULTIPLE_STATEMENTS', SEMICOLON_REASON);
    const text = inlineNumericParams(sql, params, config.dialect);
    if (text.includes('\\') && !(await backslashesSafe())) throw refused('PARSE_ERROR', BACKSLASH_REASON);
    return call(capRows(text, limits.maxRows, config.dialect), limits);
  }

  async function canWrite(): Promise<boolean> {
    const probe = CAN_WRITE[config.dialect];
    if (!probe) return false;
    const result = await call(probe, { timeoutMs: PROBE_TIMEOUT_MS, maxRows: 1 });
    const value = result.rows[0]?.[0];
    return value === true || value === 't' || Number(value ?? 0) > 0;
  }

  return pooledDataSource({
    config,
    runReadOnly,
    canWrite,
    // The server process belongs to the MCP client pool, which the context stops on shutdown.
    closePool: async () => undefined,
    logger: deps.logger,
  });
}

const SEMICOLON_REASON =
  'on an MCP connection a statement may not contain ";" (not even in a string or comment): the external server could split it into statements differently than the guard.';
const BACKSLASH_REASON =
  "on this MCP connection a statement may not contain a backslash: the server's string escaping differs from the guard's (standard_conforming_strings off, or NO_BACKSLASH_ESCAPES/ANSI_QUOTES in sql_mode).";

const CAN_WRITE: Record<SqlDialect, string | undefined> = {
  postgres: POSTGRES_CAN_WRITE_SQL,
  mariadb: MARIADB_CAN_WRITE_SQL,
  sqlite: undefined,
};

function refused(guardCode: string, reason: string): UserError {
  return new UserError('SQL_REJECTED', `Query refused (${guardCode}): ${reason}`, { details: { guardCode, reason } });
}

async function pickTool(
  server: string,
  target: { tool?: string; arg?: string },
  caller: McpToolCaller,
): Promise<{ name: string; arg: string }> {
  const tools = await caller.listTools(server);
  const names = tools.map((t) => t.name);
  const chosen = target.tool
    ? tools.find((t) => t.name === target.tool)
    : KNOWN_SQL_TOOLS.map((n) => tools.find((t) => t.name === n)).find((t) => t !== undefined);
  if (!chosen) {
    const wanted = target.tool
      ? `no tool "${target.tool}"`
      : `no SQL tool Sleuth knows (${KNOWN_SQL_TOOLS.join(', ')})`;
    throw new UserError(
      'CONFIG_INVALID',
      `MCP server "${server}" has ${wanted}; its tools: ${names.join(', ') || '(none)'}. Name one with mcp://${server}?dialect=...&tool=NAME.`,
    );
  }
  const properties = Object.keys(chosen.inputSchema?.properties ?? {});
  const arg = target.arg ?? ['sql', 'query'].find((p) => properties.includes(p));
  if (!arg) {
    throw new UserError(
      'CONFIG_INVALID',
      `Tool "${chosen.name}" of MCP server "${server}" has no "sql" or "query" argument (it takes: ${properties.join(', ') || 'nothing'}); name it with &arg=NAME.`,
    );
  }
  const otherRequired = (chosen.inputSchema?.required ?? []).filter((r) => r !== arg);
  if (otherRequired.length > 0) {
    throw new UserError(
      'CONFIG_INVALID',
      `Tool "${chosen.name}" of MCP server "${server}" also requires ${otherRequired.join(', ')}, which Sleuth cannot fill; configure the server so that the SQL is its only required argument.`,
    );
  }
  return { name: chosen.name, arg };
}

async function probeBackslashes(dialect: SqlDialect, run: (sql: string) => Promise<QueryResult>): Promise<boolean> {
  if (dialect === 'sqlite') return true; // SQLite has no backslash escapes, and neither has the guard's SQLite lexer
  if (dialect === 'postgres') {
    const result = await run(`SELECT current_setting('standard_conforming_strings') AS setting`);
    return String(result.rows[0]?.[0]) === 'on';
  }
  const result = await run('SELECT @@SESSION.sql_mode AS sql_mode');
  const modes = String(result.rows[0]?.[0] ?? '').toUpperCase();
  return !/NO_BACKSLASH_ESCAPES|ANSI_QUOTES/.test(modes);
}

/**
 * Our own catalog SQL binds table oids as parameters; MCP tools take plain SQL, so numbers are inlined as literals (a
 * numeric literal cannot change the statement's shape). Anything else is refused: it would need quoting we cannot
 * verify against the server's lexer. Contract: only fixed SQL written by Sleuth binds parameters, and it has no
 * placeholder-like text inside literals.
 */
export function inlineNumericParams(sql: string, params: readonly unknown[], dialect: SqlDialect): string {
  if (params.length === 0) return sql;
  const literals = params.map((value, i) => {
    const text =
      typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : undefined;
    if (text === undefined) {
      throw new BugError(`MCP connections bind numeric parameters only; parameter ${i + 1} is a ${typeof value}.`);
    }
    return text.startsWith('-') ? `(${text})` : text;
  });
  let next = 0;
  const out =
    dialect === 'postgres'
      ? sql.replace(/\$(\d+)(?!\d)/g, (_, n: string) => literal(literals, Number(n) - 1))
      : sql.replace(/\?/g, () => literal(literals, next++));
  return out;
}

function literal(literals: readonly string[], index: number): string {
  const value = literals[index];
  if (value === undefined) throw new BugError(`The SQL has a placeholder for parameter ${index + 1} with no value.`);
  return value;
}

/**
 * PostgreSQL SELECT/WITH/VALUES statements are wrapped so the external server stops reading at the cap + 1 (it would
 * otherwise fetch and serialise everything). Only PostgreSQL: MariaDB ignores ORDER BY inside a derived table and
 * refuses duplicate column names there. Other statements are sent as they are and cut on arrival.
 */
export function capRows(sql: string, maxRows: number, dialect: SqlDialect): string {
  if (dialect !== 'postgres' || !/^(select|with|values)\b/i.test(sql)) return sql;
  return `SELECT * FROM (\n${sql}\n) AS sleuth_capped LIMIT ${Math.max(0, Math.floor(maxRows)) + 1}`;
}

import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { SleuthContext } from '../../main.js';
import type { CliIo } from '../io.js';

const HELP = `
Serves Sleuth's tools to an MCP client (Claude Desktop, Claude Code, Cursor, an agent) over stdio: the client starts
this command and speaks JSON-RPC on its stdin/stdout. stdout carries only the protocol; logs go to stderr
(SLEUTH_LOG_LEVEL). It runs until the client closes stdin (or Ctrl-C / SIGTERM).

Tools: investigate (a question through the whole engine, with progress notifications), run_sql (one guarded,
read-only statement), get_schema, search_knowledge, ask_faq (verified queries only, no model). Resources: the schema
as sleuth://schema/<connection> and sleuth://schema/<connection>/<table>. Connections are the configured ones
(SLEUTH_DB_<NAME>_URL, sleuth.config.*); clients name them, never pass URLs. investigate needs a model
(ANTHROPIC_API_KEY, or SLEUTH_LLM_BASE_URL + SLEUTH_MODEL); the other tools do not.

Claude Desktop (claude_desktop_config.json), from a checkout or a global install:
  {"mcpServers": {"sleuth": {"command": "npx", "args": ["sleuth", "mcp"],
                             "env": {"SLEUTH_DB_WAREHOUSE_URL": "postgres://sleuth_ro@db/warehouse"}}}}

Over HTTP instead, \`sleuth serve\` exposes the same tools at /mcp (Streamable HTTP, behind its API keys).`;

export function registerMcpCommand(program: Command, io: CliIo): void {
  program
    .command('mcp')
    .description(
      'Serve Sleuth as an MCP server over stdio (investigate, run_sql, get_schema, search_knowledge, ask_faq)',
    )
    .addHelpText('after', HELP)
    .action(async () => {
      const onInterrupt = io.onInterrupt;
      if (!onInterrupt) throw new UsageError('sleuth mcp serves until its client disconnects; start it as a process.');
      // Cold start: the server side of the SDK and the configuration load first, and the server answers `initialize`
      // and `tools/list` from them; the app (the composition root) opens once the client has initialized, in the
      // background, or on the first tool call if that comes sooner.
      const [{ mcpStdioActor, serveMcpStdio }, { configuredSecrets, loadConfig }, { createLogger, withCorrelation }] =
        await Promise.all([
          import('../../mcp/server/index.js'),
          import('../../config/index.js'),
          import('../../common/logger.js'),
        ]);
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      const logger = withCorrelation(
        createLogger({ level: config.logLevel, redact: configuredSecrets(config, io.env).redact }),
      );
      let opening: Promise<SleuthContext> | undefined;
      const open = (): Promise<SleuthContext> => {
        opening ??= import('../../main.js').then((m) => m.createSleuthContext({ env: io.env, cwd: io.cwd }));
        return opening;
      };
      const restore = keepConsoleOffStdout();
      try {
        const session = await serveMcpStdio({
          context: { lazy: true, config, open },
          onInitialized: () => {
            open().catch((error: unknown) => logger.warn({ err: String(error) }, 'could not open Sleuth'));
          },
          actor: mcpStdioActor(io.env),
          logger,
          stdin: io.stdin,
          stdout: io.stdout,
        });
        const unsubscribe = onInterrupt(() => void session.close());
        await session.done;
        unsubscribe();
      } finally {
        restore();
        const context = opening ? await opening.catch(() => undefined) : undefined;
        await context?.close();
      }
    });
}

/**
 * stdout is the protocol: a stray console.log from any library would corrupt it, so for the life of the server the
 * console's stdout methods write to stderr.
 */
function keepConsoleOffStdout(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return () => Object.assign(console, saved);
}

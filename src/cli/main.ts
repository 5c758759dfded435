import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { isSleuthError } from '../common/errors.js';
import { redactSecrets } from '../common/redact.js';
import { registerApiKeyCommands } from './commands/api-key.js';
import { registerAskCommand } from './commands/ask.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCheckSqlCommand } from './commands/check-sql.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDemoDbCommand } from './commands/demo-db.js';
import { registerFaqCommand } from './commands/faq.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerKbCommands } from './commands/kb.js';
import { registerKbTestCommand } from './commands/kb-test.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerSchemaCommand } from './commands/schema.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSqlCommand } from './commands/sql.js';
import { type CliIo, ExitStatus, writeLine } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const OVERVIEW = `
Sleuth answers business questions with guarded, read-only SQL.

Quick start:
  sleuth demo                      build the SQLite demo database and run a few guarded queries
  sleuth ask "Which channel drove signups last month?"   (needs a model, see sleuth ask --help)
  sleuth sql "SELECT count(*) FROM customers"
  sleuth schema
  sleuth mcp                       serve the tools to an MCP client (Claude Desktop...) over stdio
  sleuth audit --since 7d           who asked what, every statement and every refusal
  echo "DELETE FROM t" | sleuth check-sql --dialect postgres
  sleuth policy check --user U0123ABCD --channel C0DATA   what a Slack user may use (access policy)

Connections: with nothing configured, the "demo" connection (SQLite demo data under .sleuth/) is used.
Configure others with SLEUTH_DB_<NAME>_URL=postgres://...|mysql://...|mariadb://...|sqlite:path
or a sleuth.config.{json,yaml} file. See docs/configuration.md.`;

/** Runs one CLI invocation in-process and returns the exit code (0 ok, 1 failure, 2 usage or config error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The whole command tree (tests parse command lines with it, e.g. the ones in deploy/). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('sleuth')
    .description('Self-hosted data analyst: guarded read-only SQL over PostgreSQL, MariaDB/MySQL and SQLite')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', OVERVIEW)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  registerAskCommand(program, io);
  registerHistoryCommands(program, io);
  registerAuditCommand(program, io);
  registerKbCommands(program, io);
  registerKbTestCommand(program, io);
  registerFaqCommand(program, io);
  registerDemoCommand(program, io);
  registerDemoDbCommand(program, io);
  registerSqlCommand(program, io);
  registerSchemaCommand(program, io);
  registerServeCommand(program, io);
  registerMcpCommand(program, io);
  registerApiKeyCommands(program, io);
  registerCheckSqlCommand(program, io);
  registerPolicyCommands(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ExitStatus) return error.status;
  if (error instanceof CommanderError) {
    // help and version end with a CommanderError too; commander already printed what was needed
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    if (error.code === 'commander.help') return EXIT_OK;
    return EXIT_USAGE;
  }
  if (isSleuthError(error)) {
    writeLine(io.stderr, `sleuth: ${redactSecrets(error.message)}`);
    if (error.code === 'SQL_REJECTED' && typeof error.details.guardCode === 'string') {
      writeLine(io.stderr, `  (guard code ${error.details.guardCode})`);
    }
    return error.code === 'USAGE' || error.code === 'CONFIG_INVALID' ? EXIT_USAGE : EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `sleuth: unexpected error: ${redactSecrets(message)}`);
  return EXIT_FAILURE;
}

function packageVersion(): string {
  // src/cli and dist/cli are both two levels below the package root
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return pkg.version;
}

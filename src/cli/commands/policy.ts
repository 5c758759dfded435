import type { Command } from 'commander';
import { type Actor, cliActor } from '../../common/actor.js';
import { isSleuthError, UsageError } from '../../common/errors.js';
import type { SleuthContext } from '../../main.js';
import type { RuleEvaluation } from '../../policy/index.js';
import { type CliIo, ExitStatus, writeLine } from '../io.js';
import { withContext } from './context.js';

const POLICY_HELP = `
Validates the access policy (the "policy" section of the config, or SLEUTH_POLICY_FILE; a bad policy stops with
one line per problem and exit status 2) and shows what a caller may use: which connections, which tables are
hidden (and why: listed, or a view that reads a hidden table), which columns are denied or masked. With an SQL
argument it also prints the verdict on that statement for the caller, exactly as Sleuth would decide it.

The caller is a Slack user (--user, --channel, --group, repeatable), an API key (--api-key, by name or id), or, by
default, a local tool (the CLI, like "local: true" rules). Hidden tables and columns need the database: when it
cannot be reached, only the configured lists are shown.

Exit status: 0 when the caller may use the connection (and the statement, if given, is allowed), 1 when refused,
2 on usage or configuration errors.

Examples:
  sleuth policy check
  sleuth policy check --user U0123ABCD --channel C0DATA --group S0ANALYSTS --db warehouse
  sleuth policy check --api-key reporting-bot --db warehouse "SELECT * FROM customers"
  sleuth policy check --format json --user U0123ABCD`;

interface CheckOptions {
  user?: string;
  channel?: string;
  group: string[];
  apiKey?: string;
  db?: string;
  format: string;
}

export function registerPolicyCommands(program: Command, io: CliIo): void {
  const policy = program
    .command('policy')
    .description('Check the access policy (who may use which connections, hidden tables, denied columns)');
  policy
    .command('check')
    .description('Validate the policy and show what a caller may use, and the verdict on a statement')
    .argument('[sql]', 'a statement to judge for this caller')
    .option('--user <id>', 'Slack user id (U...)')
    .option('--channel <id>', 'Slack channel id (C..., D... for a DM)')
    .option('--group <id>', 'Slack user group id (S...) or @handle the user is in (repeatable)', collect, [])
    .option('--api-key <name>', 'API key name or id')
    .option('--db <name>', 'connection to detail (default: the default connection)')
    .option('--format <format>', 'output format: text|json', 'text')
    .addHelpText('after', POLICY_HELP)
    .action(async (sql: string | undefined, options: CheckOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new UsageError('--format must be one of text, json.');
      }
      const actor = actorFrom(options, io);
      let code = 0;
      await withContext(io, async (context) => {
        const report = await buildReport(context, actor, options.db, sql);
        code = report.refused ? 1 : 0;
        if (options.format === 'json') writeLine(io.stdout, JSON.stringify(report, null, 2));
        else printReport(io, report);
      });
      // the report already says why: exit 1 without a second message
      if (code !== 0) throw new ExitStatus(code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function actorFrom(options: CheckOptions, io: CliIo): Actor {
  const slack = options.user !== undefined || options.channel !== undefined || options.group.length > 0;
  if (slack && options.apiKey !== undefined) {
    throw new UsageError('Give either a Slack caller (--user, --channel, --group) or --api-key, not both.');
  }
  if (options.apiKey !== undefined) return { kind: 'api', id: options.apiKey, label: options.apiKey };
  if (slack) {
    return {
      kind: 'slack',
      id: options.user ?? 'U0UNKNOWN',
      ...(options.channel ? { channel: options.channel } : {}),
      groups: options.group,
    };
  }
  return cliActor(io.env);
}

interface Report {
  policy: string | null;
  actor: Actor;
  connections: { name: string; allowed: boolean; rule?: string; reason?: string }[];
  connection: string;
  rules: RuleEvaluation[];
  tables?: {
    hidden: { table: string; reason: string }[];
    columns: { table: string; column: string; action: string }[];
  };
  lists?: Record<string, unknown>;
  unreachable?: string;
  sql?: { allowed: boolean; code?: string; reason?: string; maskedColumns?: string[] };
  refused: boolean;
}

async function buildReport(
  context: SleuthContext,
  actor: Actor,
  db: string | undefined,
  sql: string | undefined,
): Promise<Report> {
  const { createPolicyExplorer, evaluateRules } = await import('../../policy/index.js');
  const { createSchemaInspector } = await import('../../sql/introspect/index.js');
  const enforcer = context.policy;
  const names = context.config.connections.map((c) => c.name);
  const connection = db ?? context.config.defaultConnection;
  if (!names.includes(connection))
    throw new UsageError(`"${connection}" is not a configured connection (known: ${names.join(', ')}).`);
  const connections = names.map((name) => {
    const decision = enforcer.access(actor, name);
    const rule = decision.allowed && decision.rule !== undefined ? enforcer.policy?.access?.[decision.rule] : undefined;
    return decision.allowed
      ? { name, allowed: true, ...(rule ? { rule: rule.name ?? `rule ${(decision.rule ?? 0) + 1}` } : {}) }
      : { name, allowed: false, reason: decision.reason };
  });
  const report: Report = {
    policy: enforcer.active ? (context.config.policySource ?? null) : null,
    actor,
    connections,
    connection,
    rules: enforcer.policy ? evaluateRules(enforcer.policy, actor, connection) : [],
    lists: enforcer.rules(connection).lists,
    refused: !connections.find((c) => c.name === connection)?.allowed,
  };
  try {
    const source = await context.source(connection);
    const explorer = createPolicyExplorer(
      enforcer,
      source,
      createSchemaInspector({ executor: context.executor, source }),
    );
    report.tables = { hidden: await explorer.hidden(), columns: await explorer.columnRules() };
    if (sql !== undefined) {
      report.sql = await judge(context, source, sql);
      if (!report.sql.allowed) report.refused = true;
    }
  } catch (error) {
    if (!isSleuthError(error) || !['CONNECTION_FAILED', 'SQL_TIMEOUT', 'SQL_ERROR'].includes(error.code)) throw error;
    report.unreachable = error.message;
    if (sql !== undefined)
      report.sql = { allowed: false, code: error.code, reason: 'the database could not be reached' };
  }
  return report;
}

async function judge(
  context: SleuthContext,
  source: Awaited<ReturnType<SleuthContext['source']>>,
  sql: string,
): Promise<NonNullable<Report['sql']>> {
  const { verifySql } = await import('../../sql/guard/index.js');
  // the connection's reviewed extra functions, as the executor would apply them
  const allowFunctions = context.config.connections.find((c) => c.name === source.name)?.allowFunctions;
  const verdict = await verifySql(context.guard, sql, source.dialect, allowFunctions ? { allowFunctions } : undefined);
  if (!verdict.allowed) return { allowed: false, code: verdict.code, reason: verdict.reason };
  const decision = await context.policy.decide(source, verdict);
  if (!decision.allowed) return { allowed: false, code: 'PERMISSION_DENIED', reason: decision.reason };
  return { allowed: true, maskedColumns: decision.maskedColumns };
}

function printReport(io: CliIo, report: Report): void {
  const out = (text = '') => writeLine(io.stdout, text);
  if (!report.policy) {
    out('No access policy is configured: every caller may use every connection, table and column.');
  } else out(`Policy: ${report.policy} (valid)`);
  out(`Caller: ${describeActor(report.actor)}`);
  out('\nConnections:');
  for (const c of report.connections) {
    out(`  ${c.name}: ${c.allowed ? `allowed${c.rule ? ` (${c.rule})` : ''}` : `refused: ${c.reason}`}`);
  }
  if (report.rules.length > 0) {
    out(`\nRules for ${report.connection}:`);
    for (const rule of report.rules) {
      const dims = Object.entries(rule.dimensions).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`);
      const connection = rule.connection ? 'connection yes' : 'connection no';
      out(`  ${rule.name}: ${[connection, ...dims].join(', ')} -> ${rule.matches ? 'grants' : 'does not match'}`);
    }
  }
  out(`\n${report.connection}:`);
  if (report.unreachable) out(`  (the database could not be reached: ${report.unreachable}; configured lists below)`);
  if (report.tables) {
    const hidden = report.tables.hidden.map((h) => `${h.table} (${h.reason})`);
    out(`  hidden tables: ${hidden.length ? hidden.join('; ') : 'none'}`);
    const of = (action: string) =>
      report.tables!.columns.filter((c) => c.action === action).map((c) => `${c.table}.${c.column}`);
    out(`  denied columns: ${of('deny').join(', ') || 'none'}`);
    out(`  masked columns: ${of('mask').join(', ') || 'none'}`);
  } else if (report.lists) {
    out(`  configured: ${JSON.stringify(report.lists)}`);
  }
  if (report.sql) {
    const verdict = report.sql.allowed
      ? `allowed${report.sql.maskedColumns?.length ? ` (masked: ${report.sql.maskedColumns.join(', ')})` : ''}`
      : `refused (${report.sql.code}): ${report.sql.reason}`;
    out(`\nStatement: ${verdict}`);
  }
}

function describeActor(actor: Actor): string {
  if (actor.kind === 'slack') {
    const parts = [`Slack user ${actor.id}`];
    if (actor.channel) parts.push(`in channel ${actor.channel}`);
    if (actor.groups?.length) parts.push(`groups ${actor.groups.join(', ')}`);
    return parts.join(', ');
  }
  if (actor.kind === 'api') return `API key ${actor.label ?? actor.id}`;
  return `${actor.kind} user ${actor.id} (local)`;
}

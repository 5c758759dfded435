/**
 * `sleuth kb test`: runs the result tests of verified queries (their `tests:` block, like dbt tests) on every
 * connection each test names, prints PASS/FAIL per query and test with a readable diff, and exits 1 on a failure.
 * The demo connection is rebuilt for each test's pinned date (under <data dir>/kb-test/<date>/), so the tests hold
 * whatever today is; a configured connection is used as it is (load it at the pinned date, e.g. `sleuth demo-db`).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { DataSource } from '../../datasources/index.js';
import type { ResultTestOutcome } from '../../knowledge/index.js';
import type { SleuthContext } from '../../main.js';
import { type CliIo, ExitStatus, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
A verified query can carry result tests at the end of its file (after sql:):

  tests:
    - name: october
      now: 2026-11-15                 # the data as of this date (the demo database is built for it)
      connections: [demo]             # default: the query's connection
      parameters: { period: 2026-10-01..2026-11-01 }   # defaults for the rest, as of \`now\`
      expect:
        columns: [revenue, completed_orders]
        rows: [[287655.12, 1987]]     # exact rows (numbers within 0.005), and/or invariants:
        row_count: 1
        sums: { revenue: 287655.12 }
        non_negative: [revenue]
        not_null: [revenue]
        sorted: revenue desc

Examples:
  sleuth kb test                          every test of every verified query
  sleuth kb test revenue_total            one verified query
  sleuth kb test --connection demo        only the tests that run on demo
  sleuth kb test revenue_total --actual   also print the rows each test got (to write or review an expectation)
  sleuth kb test --format json            one JSON object per test

Exit status: 0 when every test passes, 1 when one fails, 2 on a usage error.`;

/** Registers `kb test` under the existing `kb` command. */
export function registerKbTestCommand(program: Command, io: CliIo): void {
  const kb = program.commands.find((c) => c.name() === 'kb') ?? program.command('kb');
  kb.command('test')
    .description('Run the result tests of verified queries (expected rows and invariants at a pinned date)')
    .argument('[names...]', 'verified query names (default: all)')
    .option('--connection <name>', 'only the tests on this connection')
    .option('--actual', 'print the rows each test got')
    .option('--format <format>', 'text|json', 'text')
    .addHelpText('after', HELP)
    .action(async (names: string[], options: { connection?: string; actual?: boolean; format: string }) => {
      const outcomes = await withContext(io, (context) =>
        runKbTests(context, { names, connection: options.connection }),
      );
      if (options.format === 'json') {
        for (const o of outcomes) writeLine(io.stdout, JSON.stringify(o));
      } else {
        for (const line of formatOutcomes(outcomes, { actual: options.actual === true })) writeLine(io.stdout, line);
      }
      if (outcomes.some((o) => !o.passed)) throw new ExitStatus(1);
    });
}

/** Runs the tests with the context's executor; the demo connection is built for each pinned date. */
export async function runKbTests(
  context: SleuthContext,
  filter: { names?: readonly string[]; connection?: string } = {},
): Promise<ResultTestOutcome[]> {
  // loaded here, not at start-up: `sleuth --help` loads only the argument parser
  const { DEMO_CONNECTION_NAME } = await import('../../config/index.js');
  const { createDataSource } = await import('../../datasources/index.js');
  const { ensureDemoSqlite } = await import('../../demo/index.js');
  const { runResultTests } = await import('../../knowledge/index.js');
  const kb = await context.knowledge();
  const { verifiedQueries } = await kb.files();
  const unknown = (filter.names ?? []).filter((n) => !verifiedQueries.some((q) => q.name === n));
  if (unknown.length > 0) throw new UsageError(`No verified query ${unknown.join(', ')} (sleuth kb list).`);
  const opened: DataSource[] = [];
  const demos = new Map<string, Promise<DataSource>>();
  const config = context.config;
  const today = config.now?.toISOString().slice(0, 10);
  const source = (connection: string, now: string): Promise<DataSource> => {
    const builtInDemo =
      connection === DEMO_CONNECTION_NAME &&
      (config.usesDemoConnection || !config.connections.some((c) => c.name === connection));
    if (!builtInDemo) {
      return context.source(connection);
    }
    if (now === today) return context.demoSource();
    let demo = demos.get(now);
    if (!demo) {
      demo = (async () => {
        const path = await ensureDemoSqlite({
          dataDir: join(config.dataDir, 'kb-test', now),
          now: new Date(`${now}T12:00:00Z`),
          logger: context.logger,
        });
        const created = createDataSource(
          { name: DEMO_CONNECTION_NAME, url: `sqlite:${path}`, dialect: 'sqlite', ...config.defaults },
          { logger: context.logger },
        );
        opened.push(created);
        return created;
      })();
      demos.set(now, demo);
    }
    return demo;
  };
  try {
    return await runResultTests(verifiedQueries, { executor: context.executor, source }, filter);
  } finally {
    for (const s of opened) await s.close();
  }
}

export function formatOutcomes(outcomes: readonly ResultTestOutcome[], options: { actual?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const o of outcomes) {
    lines.push(`${o.passed ? 'PASS' : 'FAIL'} ${o.query} ${o.test} [${o.connection} @ ${o.now}] ${o.elapsedMs} ms`);
    for (const f of o.failures) lines.push(`       ${f}`);
    if (options.actual) {
      lines.push(`       columns: [${o.columns.join(', ')}]`);
      for (const row of o.rows.slice(0, 50)) lines.push(`       - ${JSON.stringify(row)}`);
    }
  }
  const failed = outcomes.filter((o) => !o.passed);
  const queries = new Set(outcomes.map((o) => o.query)).size;
  lines.push(
    outcomes.length === 0
      ? 'No result tests found (add a tests: block to a verified query; sleuth kb test --help).'
      : `${outcomes.length - failed.length} of ${outcomes.length} result tests passed (${queries} verified queries)${failed.length > 0 ? `; FAILED: ${[...new Set(failed.map((o) => o.query))].join(', ')}` : ''}.`,
  );
  return lines;
}

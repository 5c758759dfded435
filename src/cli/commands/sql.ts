import type { Command } from 'commander';
import { cliActor } from '../../common/actor.js';
import { writeCsv } from '../../common/csv.js';
import { UsageError } from '../../common/errors.js';
import type { QueryResult } from '../../sql/types.js';
import { jsonValue } from '../format/cell.js';
import { formatTable } from '../format/table.js';
import { type CliIo, readAll, writeLine } from '../io.js';
import { withContext } from './context.js';

const SQL_HELP = `
The statement passes the SQL guard, then runs in a read-only transaction with the connection's statement timeout
and row cap. Rejected statements change nothing and exit with status 1 and the guard's reason.
Use "-" as the SQL to read it from stdin.

Examples:
  sleuth sql "SELECT plan, count(*) FROM customers GROUP BY plan"
  sleuth sql --db warehouse --format csv "SELECT * FROM orders" > orders.csv
  sleuth sql --db postgres://readonly@localhost/shop "SELECT 1"`;

export type ResultFormat = 'table' | 'json' | 'csv';
const FORMATS: readonly ResultFormat[] = ['table', 'json', 'csv'];

interface SqlOptions {
  db?: string;
  format: string;
}

export function registerSqlCommand(program: Command, io: CliIo): void {
  program
    .command('sql')
    .description('Run one guarded, read-only SQL statement and print the result')
    .argument('<sql>', 'the SQL statement, or - to read it from stdin')
    .option('--db <name|url>', 'connection name or URL (default: the configured default connection)')
    .option('--format <format>', `output format: ${FORMATS.join('|')}`, 'table')
    .addHelpText('after', SQL_HELP)
    .action(async (sqlArgument: string, options: SqlOptions) => {
      const format = parseFormat(options.format);
      const sql = sqlArgument === '-' ? await readAll(io.stdin) : sqlArgument;
      await withContext(io, async (context) => {
        const result = await context.runSql({ sql, db: options.db, actor: cliActor(io.env) });
        printResult(io, result, format);
      });
    });
}

function parseFormat(format: string): ResultFormat {
  if ((FORMATS as readonly string[]).includes(format)) return format as ResultFormat;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
}

export function printResult(io: CliIo, result: QueryResult, format: ResultFormat): void {
  const names = result.columns.map((c) => c.name);
  if (format === 'json') {
    writeLine(
      io.stdout,
      JSON.stringify({
        columns: result.columns,
        rows: result.rows.map((row) => row.map(jsonValue)),
        rowCount: result.rowCount,
        truncated: result.truncated,
        elapsedMs: result.elapsedMs,
      }),
    );
    return;
  }
  if (format === 'csv') {
    io.stdout.write(writeCsv(names, result.rows));
    if (result.truncated) writeLine(io.stderr, `sleuth: result cut at ${result.rowCount} rows (row cap).`);
    return;
  }
  writeLine(io.stdout, formatTable(names, result.rows));
  const cut = result.truncated ? `, cut at the row cap (more rows exist)` : '';
  writeLine(io.stdout, `(${result.rowCount} row${result.rowCount === 1 ? '' : 's'}${cut}, ${result.elapsedMs} ms)`);
}

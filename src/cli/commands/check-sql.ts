import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { isSqlDialect, SQL_DIALECTS, type SqlDialect } from '../../sql/dialect.js';
import type { GuardVerdict, SqlGuard, TableRef } from '../../sql/types.js';
import { type CliIo, readAll, writeLine } from '../io.js';

export const CHECK_SQL_HELP = `
Reads one SQL text on stdin and prints exactly one JSON line:
  {"allowed":bool,"code":string|null,"reason":string|null,"tables":[...]}
Exit status is 0 whatever the verdict, 2 on usage errors. This interface is stable: other tools depend on it.

With --batch, stdin is JSON Lines ({"sql": "..."} per line) and one verdict line is printed per input line, in order;
a line that is not such an object gets {"allowed":false,"code":"INVALID_INPUT",...}. Every line gets its verdict, even
when the guard fails on it ({"code":"GUARD_ERROR"}); a statement the guard cannot analyse in time gets
SQL_TOO_COMPLEX. Parsing runs in worker threads with a 1 s budget, so one line cannot stall the others.

Examples:
  echo "SELECT 1; DROP TABLE t" | sleuth check-sql --dialect postgres
  sleuth check-sql --dialect mariadb --batch < statements.jsonl`;

const CHECK_SQL_BUDGET_MS = 1_000;

interface CheckSqlOptions {
  dialect?: string;
  batch?: boolean;
}

export function registerCheckSqlCommand(program: Command, io: CliIo): void {
  program
    .command('check-sql')
    .description('Ask the SQL guard whether a statement may run (reads stdin, prints a JSON verdict)')
    .requiredOption('--dialect <dialect>', `SQL dialect: ${SQL_DIALECTS.join('|')}`)
    .option('--batch', 'read JSON Lines ({"sql": "..."} per line), print one verdict per line')
    .addHelpText('after', CHECK_SQL_HELP)
    .action(async (options: CheckSqlOptions) => {
      const dialect = options.dialect ?? '';
      if (!isSqlDialect(dialect)) throw new UsageError(`--dialect must be one of ${SQL_DIALECTS.join(', ')}.`);
      // offline tool: a 1 s budget per statement (the server's is 100 ms) keeps verdicts stable on a busy machine
      const { createSqlGuard } = await import('../../sql/guard/index.js');
      const guard = await createSqlGuard({}, { pool: { budgetMs: CHECK_SQL_BUDGET_MS } });
      if (options.batch) await checkBatch(guard, dialect, io);
      else writeLine(io.stdout, await verdictFor(guard, await readAll(io.stdin), dialect));
    });
}

async function checkBatch(guard: SqlGuard, dialect: SqlDialect, io: CliIo): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const sql = sqlFromJsonLine(line);
    writeLine(
      io.stdout,
      sql === undefined
        ? invalidLine(`line ${lineNumber} is not a JSON object with a string "sql"`)
        : await verdictFor(guard, sql, dialect),
    );
  }
}

/** One JSON verdict line whatever happens: an internal failure is a refusal line, never a lost line. */
async function verdictFor(guard: SqlGuard, sql: string, dialect: SqlDialect): Promise<string> {
  try {
    // verify() parses off the event loop within the budget; a guard without it checks in place
    return verdictLine(await (guard.verify ? guard.verify(sql, dialect) : guard.check(sql, dialect)));
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return JSON.stringify({ allowed: false, code: 'GUARD_ERROR', reason: `The guard failed: ${detail}`, tables: [] });
  }
}

function sqlFromJsonLine(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && typeof (value as { sql?: unknown }).sql === 'string') {
      return (value as { sql: string }).sql;
    }
  } catch {
    // not JSON: reported as INVALID_INPUT by the caller
  }
  return undefined;
}

export function verdictLine(verdict: GuardVerdict): string {
  return JSON.stringify({
    allowed: verdict.allowed,
    code: verdict.allowed ? null : verdict.code,
    reason: verdict.allowed ? null : verdict.reason,
    tables: verdict.allowed ? verdict.tables.map(tableName) : [],
  });
}

function invalidLine(reason: string): string {
  return JSON.stringify({ allowed: false, code: 'INVALID_INPUT', reason, tables: [] });
}

function tableName(table: TableRef): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}

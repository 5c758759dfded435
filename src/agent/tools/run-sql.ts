import { z } from 'zod';
import { isSleuthError } from '../../common/errors.js';
import { dataBlock } from '../privacy.js';
import { normalizeSql, resultHints, summarizeResult } from '../summarize.js';
import type { ToolContext, ToolDefinition, ToolOutcome } from './types.js';

const input = z.strictObject({
  sql: z.string().min(1).max(20_000).describe('Exactly one read-only SELECT statement in the database dialect'),
  purpose: z.string().max(300).optional().describe('What this query checks, in a few words'),
});

/** Rows shown to the user per result event; the model gets its own summary. */
const EVENT_ROWS = 10;

export const runSqlTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'run_sql',
  description:
    'Run one read-only SQL statement (SELECT/WITH/VALUES/EXPLAIN) on the database. It passes a safety guard and runs in a read-only transaction with a timeout and row cap. Aggregate in SQL; you see the first rows and column stats.',
  input,
  summarize: (args) => args.purpose ?? 'run SQL',
  async run(args, context) {
    const key = normalizeSql(args.sql);
    const earlier = context.state.failedSql.get(key);
    if (earlier !== undefined) {
      return {
        isError: true,
        content: `Not run: this exact statement already failed with: ${earlier}\nChange the statement (or your approach) instead of repeating it.`,
      };
    }
    if (context.state.sqlRuns >= context.maxSqlRuns) {
      return {
        isError: true,
        content: `Not run: the SQL budget of ${context.maxSqlRuns} statements is used up. Call finish with what you have.`,
      };
    }
    context.state.sqlRuns++;
    await context.emit({
      type: 'sql',
      callId: context.callId,
      connection: context.connection,
      sql: args.sql,
      purpose: args.purpose,
    });
    try {
      return await runAndReport(args.sql, context);
    } catch (error) {
      return reportFailure(key, error, context);
    }
  },
};

async function runAndReport(sql: string, context: ToolContext): Promise<ToolOutcome> {
  const { read, ...result } = await context.runSql(sql);
  // masked over the whole result: the model may see (and echo) any row, and the session remembers what it masked
  const shown = context.privacy.forPeople(result, read);
  await context.emit({
    type: 'sql_result',
    callId: context.callId,
    columns: shown.columns,
    rows: shown.rows.slice(0, EVENT_ROWS),
    rowCount: result.rowCount,
    truncated: result.truncated,
    elapsedMs: result.elapsedMs,
  });
  context.state.succeededSql.push({ sql, rowCount: result.rowCount, columns: result.columns.map((c) => c.name) });
  const seen = context.privacy.forModel(result, read);
  const hints = resultHints(sql, seen);
  const hintText = hints.length > 0 ? `\nCheck before trusting this result:\n- ${hints.join('\n- ')}` : '';
  return { content: `${summarizeResult(seen)}${hintText}` };
}

async function reportFailure(key: string, error: unknown, context: ToolContext): Promise<ToolOutcome> {
  if (!isSleuthError(error)) throw error;
  const hint = hintFor(error.code);
  const message = error.message;
  context.state.failedSql.set(key, message);
  await context.emit({ type: 'sql_error', callId: context.callId, code: error.code, message, hint });
  // the database's message can quote values: masked like results for the model, and framed as data
  return {
    isError: true,
    content: `${error.code}: ${dataBlock('database', context.privacy.text(message))}\nHint: ${hint}`,
  };
}

function hintFor(code: string): string {
  switch (code) {
    case 'SQL_REJECTED':
      return 'The safety guard refused the statement. Only one read-only SELECT (or WITH ... SELECT) is allowed, without writes, locking, session changes or denied functions. Rewrite it as a plain query.';
    case 'QUERY_TOO_EXPENSIVE':
      return "The planner's estimate is over this connection's query budget, so the statement did not run. Narrow it: aggregate in SQL (GROUP BY), filter with WHERE (dates, keys), join on keys instead of a cross join, select fewer rows (LIMIT); then run the narrower statement.";
    case 'PERMISSION_DENIED':
      return 'The access policy does not let you read what the message names. Do not try to reach it another way (other tables, views or subqueries); answer with the data you may use and say in the caveats what you could not check.';
    case 'SQL_TIMEOUT':
      return 'The statement hit the time limit. Narrow it: filter by date, aggregate earlier, avoid cross joins.';
    case 'CIRCUIT_OPEN':
    case 'CONNECTION_FAILED':
      return 'The database is not reachable right now. Finish with what you have and say so in the caveats.';
    default:
      return 'Read the database message. Check table and column names with describe_table and values with profile_column, then fix the statement.';
  }
}

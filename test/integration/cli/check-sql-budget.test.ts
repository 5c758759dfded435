/**
 * `sleuth check-sql --batch` answers every line with a JSON verdict, including the ones the guard cannot analyse:
 * a statement that backtracks the MariaDB/SQLite grammar for minutes, and 40k characters of `1+1+...` that used to
 * overflow the stack and lose every later line, each get SQL_TOO_COMPLEX in their place, and later lines are judged.
 */
import { describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';

describe('sleuth check-sql --batch under statements the guard cannot analyse', () => {
  it.each(['mariadb', 'sqlite'])(
    'answers every line on %s, failures included, in order',
    async (dialect) => {
      const lines = [
        { sql: 'SELECT id FROM orders' },
        { sql: `SELECT ${'(CASE WHEN ('.repeat(15)}1` },
        { sql: `SELECT ${Array(20_000).fill('1').join('+')}` },
        'not json',
        { sql: "SELECT 0 --0, 'x'" },
        { sql: 'SELECT name FROM customers' },
      ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
      const started = performance.now();
      const run = await runSleuth(['check-sql', '--dialect', dialect, '--batch'], { stdin: `${lines.join('\n')}\n` });
      expect(run.code).toBe(0);
      const verdicts = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { allowed: boolean; code: string | null; tables: string[] });
      expect(verdicts.map((v) => v.code)).toEqual([
        null,
        'SQL_TOO_COMPLEX',
        'SQL_TOO_COMPLEX',
        'INVALID_INPUT',
        null,
        null,
      ]);
      expect(verdicts[5]).toMatchObject({ allowed: true, tables: ['customers'] });
      // nothing waited for the grammar's backtracking (tens of seconds without the budget)
      expect(performance.now() - started).toBeLessThan(20_000);
    },
    60_000,
  );
});

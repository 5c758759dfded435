import { describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';

describe('sleuth check-sql (stable interface)', () => {
  it('prints exactly one JSON verdict line and exits 0 for an allowed statement', async () => {
    const run = await runSleuth(['check-sql', '--dialect', 'postgres'], { stdin: 'SELECT id FROM customers c' });
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toEqual({ allowed: true, code: null, reason: null, tables: ['customers'] });
  });

  it('exits 0 with the code and reason for a rejected statement', async () => {
    const run = await runSleuth(['check-sql', '--dialect', 'mariadb'], { stdin: 'SELECT /*!50000 SLEEP(1) */ 1' });
    expect(run.code).toBe(0);
    const verdict = JSON.parse(run.stdout);
    expect(verdict).toMatchObject({ allowed: false, code: 'EXECUTABLE_COMMENT', tables: [] });
    expect(verdict.reason).toMatch(/executable comment/i);
  });

  it('answers a JSON Lines batch in order, one line per input line', async () => {
    const input = [
      JSON.stringify({ sql: 'SELECT 1' }),
      JSON.stringify({ sql: 'DROP TABLE customers' }),
      'not json',
      JSON.stringify({ sql: 'SELECT * FROM orders; SELECT 2' }),
    ].join('\n');
    const run = await runSleuth(['check-sql', '--dialect', 'sqlite', '--batch'], { stdin: `${input}\n` });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.code)).toEqual([null, 'WRITE_STATEMENT', 'INVALID_INPUT', 'MULTIPLE_STATEMENTS']);
    expect(lines[0].allowed).toBe(true);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runSleuth(['check-sql', '--dialect', 'oracle'], { stdin: 'SELECT 1' })).code).toBe(2);
    expect((await runSleuth(['check-sql'], { stdin: 'SELECT 1' })).code).toBe(2);
  });
});

describe('sleuth --help', () => {
  it.each([[[]], [['sql']], [['schema']], [['check-sql']], [['demo']], [['demo-db']]])(
    'prints help for %j and exits 0',
    async (command) => {
      const run = await runSleuth([...command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage: sleuth/);
      expect(run.stdout).toMatch(/Examples|Quick start|--dialect/);
    },
  );

  it('exits 2 with a hint on an unknown command', async () => {
    const run = await runSleuth(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
  });
});

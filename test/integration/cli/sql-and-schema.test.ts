import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';
import { demoUrl } from '../../helpers/demo.js';

describe('sleuth sql / schema / demo on the embedded demo database', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-cli-'));
  const env = { SLEUTH_NOW: '2026-11-15' };

  beforeAll(async () => {
    // First use builds .sleuth/demo.sqlite under cwd.
    const run = await runSleuth(['sql', 'SELECT COUNT(*) AS n FROM countries'], { cwd, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 120_000);

  it('prints a table with a row count footer', async () => {
    const run = await runSleuth(['sql', 'SELECT plan, COUNT(*) AS n FROM customers GROUP BY plan ORDER BY plan'], {
      cwd,
      env,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/plan\s+\|\s+n/);
    expect(run.stdout).toMatch(/\(4 rows, \d+ ms\)/);
  });

  it('prints JSON and CSV', async () => {
    const json = await runSleuth(
      ['sql', '--format', 'json', 'SELECT code, name FROM countries ORDER BY code LIMIT 2'],
      {
        cwd,
        env,
      },
    );
    const parsed = JSON.parse(json.stdout);
    expect(parsed.columns.map((c: { name: string }) => c.name)).toEqual(['code', 'name']);
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.truncated).toBe(false);
    const csv = await runSleuth(['sql', '--format', 'csv', 'SELECT code, name FROM countries ORDER BY code LIMIT 2'], {
      cwd,
      env,
    });
    expect(csv.stdout.split('\r\n')[0]).toBe('code,name');
  });

  it('flags results cut at the row cap', async () => {
    const run = await runSleuth(['sql', 'SELECT id FROM orders'], { cwd, env: { ...env, SLEUTH_MAX_ROWS: '5' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/5 rows, cut at the row cap/);
  });

  it('refuses a write with exit 1, the guard code and reason, and changes nothing', async () => {
    const run = await runSleuth(['sql', 'DELETE FROM customers'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/WRITE_STATEMENT/);
    const count = await runSleuth(['sql', '--format', 'json', 'SELECT COUNT(*) AS n FROM customers'], { cwd, env });
    expect(JSON.parse(count.stdout).rows[0][0]).toBeGreaterThan(1000);
  });

  it('reports database errors with exit 1 and the database message', async () => {
    const run = await runSleuth(['sql', 'SELECT nope FROM customers'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no such column: nope/);
  });

  it('describes the schema as text and JSON', async () => {
    const text = await runSleuth(['schema', '--table', 'orders'], { cwd, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/orders \(table ~[\d,]+ rows\)/);
    expect(text.stdout).toMatch(/FK \(customer_id\) -> customers\(id\)/);
    const json = await runSleuth(['schema', '--format', 'json'], { cwd, env });
    const schema = JSON.parse(json.stdout);
    expect(schema.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['customers', 'orders']));
  });

  it('runs the demo walkthrough with a scripted model: it asks the demo question', async () => {
    const script = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml');
    const run = await runSleuth(['demo'], {
      cwd,
      env: { ...env, SLEUTH_LLM_PROVIDER: 'scripted', SLEUTH_SCRIPT: script },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/== Asking: How many customers signed up last month/);
    expect(run.stdout).toMatch(/Answer:/);
  }, 60_000);

  it('runs the demo walkthrough, including a refused statement', async () => {
    const run = await runSleuth(['demo'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Signups last month by acquisition channel/);
    expect(run.stdout).toMatch(/GAD-0042/);
    expect(run.stdout).toMatch(/refused: .*MULTIPLE_STATEMENTS/);
    // No model configured: one paragraph on how to configure one and what works without it.
    expect(run.stdout).toMatch(/No model is configured.*ANTHROPIC_API_KEY.*SLEUTH_LLM_BASE_URL.*sleuth sql/s);
  });

  it('fails with exit 2 and one line per problem on a bad configuration', async () => {
    const run = await runSleuth(['sql', 'SELECT 1'], {
      cwd,
      env: { ...env, SLEUTH_MAX_ROWZ: '5', SLEUTH_DB_BAD_URL: 'oracle://x' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SLEUTH_MAX_ROWZ/);
    expect(run.stderr).toMatch(/oracle/);
  });

  it('starts beside Kubernetes service links of a Service named sleuth, and stays strict for real typos', async () => {
    const k8s = { ...env, SLEUTH_PORT: 'tcp://10.0.0.12:8008', SLEUTH_SERVICE_HOST: '10.0.0.12' };
    const run = await runSleuth(['sql', 'select 1'], { cwd, env: k8s });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\(1 row/);
    const typo = await runSleuth(['sql', 'select 1'], { cwd, env: { ...k8s, SLEUTH_MAX_ROW: '5' } });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/SLEUTH_MAX_ROW is not a Sleuth setting \(did you mean SLEUTH_MAX_ROWS\?\)/);
  });

  it('labels user mistakes as such: an unknown URL scheme, a misspelt keyword', async () => {
    const scheme = await runSleuth(['sql', '--db', 'foo://bar', 'select 1'], { cwd, env });
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).not.toMatch(/unexpected/);
    expect(scheme.stderr).toMatch(/Unsupported connection URL scheme "foo"/);
    const typo = await runSleuth(['sql', 'SELEC 1'], { cwd, env });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/PARSE_ERROR/);
    expect(typo.stderr).toMatch(/does not parse: its first word "SELEC".*did you mean SELECT\?/);
    expect(typo.stderr).not.toMatch(/FORBIDDEN_STATEMENT/);
  });
});

describe('sleuth sql against a real PostgreSQL by URL', () => {
  it('runs a guarded query and never prints the password', async () => {
    const url = (await demoUrl('postgres')).replace('postgres@', 'postgres:s3cret-pw@');
    const run = await runSleuth(['sql', '--db', url, 'SELECT COUNT(*) AS n FROM nowhere_table'], {});
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cret-pw');
    const ok = await runSleuth(
      ['sql', '--db', await demoUrl('postgres'), '--format', 'json', 'SELECT COUNT(*) AS n FROM products'],
      {},
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).rows[0][0]).toBeGreaterThan(10);
  });
});

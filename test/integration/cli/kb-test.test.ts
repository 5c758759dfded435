/**
 * `sleuth kb test`: result tests of verified queries on every connection they name (the demo SQLite built for the
 * pinned date, and the same demo data loaded into PostgreSQL and MariaDB), PASS/FAIL per test with a readable diff,
 * exit 1 on a failure, --help.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';
import { demoUrl } from '../../helpers/demo.js';

const repoKnowledge = join(import.meta.dirname, '..', '..', '..', 'knowledge');

/** revenue_total's SQL is portable, so one test can name the three dialects. */
function revenueTotalWithTests(tests: string): string {
  const text = readFileSync(join(repoKnowledge, 'verified', 'revenue_total.yaml'), 'utf8');
  return `${text.slice(0, text.indexOf('\ntests:') + 1)}${tests}`;
}

describe('sleuth kb test', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-kb-test-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(join(cwd, 'knowledge', 'verified'), { recursive: true });
    // A small knowledge dir: two of the starter verified queries with their committed tests, plus revenue_total
    // with a test on three connections.
    // the glossary holds the vocabulary the queries' `answers:` blocks are checked against
    cpSync(join(repoKnowledge, 'glossary.yaml'), join(cwd, 'knowledge', 'glossary.yaml'));
    for (const name of ['orders_by_status', 'top_products_by_revenue']) {
      cpSync(join(repoKnowledge, 'verified', `${name}.yaml`), join(cwd, 'knowledge', 'verified', `${name}.yaml`));
    }
    writeFileSync(
      join(cwd, 'knowledge', 'verified', 'revenue_total.yaml'),
      revenueTotalWithTests(
        [
          'tests:',
          '  - name: october 2026',
          '    now: 2026-11-15',
          '    connections: [demo, pgdemo, mariademo]',
          '    parameters: { period: 2026-10-01..2026-11-01 }',
          '    expect:',
          '      columns: [revenue, completed_orders]',
          '      rows:',
          '        - [756505.95, 1363]',
          '      non_negative: [revenue]',
          '',
        ].join('\n'),
      ),
    );
    env = {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_KNOWLEDGE_DIR: join(cwd, 'knowledge'),
      SLEUTH_DB_PGDEMO_URL: await demoUrl('postgres'),
      SLEUTH_DB_MARIADEMO_URL: await demoUrl('mariadb'),
    };
  });

  it('passes the committed expectations on every connection a test names', async () => {
    const run = await runSleuth(['kb', 'test'], { cwd, env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^PASS revenue_total october 2026 \[demo @ 2026-11-15\]/m);
    expect(run.stdout).toMatch(/^PASS revenue_total october 2026 \[pgdemo @ 2026-11-15\]/m);
    expect(run.stdout).toMatch(/^PASS revenue_total october 2026 \[mariademo @ 2026-11-15\]/m);
    expect(run.stdout).toMatch(/^PASS orders_by_status october 2026 \[demo @ 2026-11-15\]/m);
    expect(run.stdout).toMatch(/5 of 5 result tests passed \(3 verified queries\)\./);
    expect(run.code).toBe(0);

    const one = await runSleuth(['kb', 'test', 'revenue_total', '--connection', 'pgdemo', '--format', 'json'], {
      cwd,
      env,
    });
    const lines = one.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      query: 'revenue_total',
      connection: 'pgdemo',
      passed: true,
    });
  }, 120_000);

  it('fails with a readable diff, and exit 1, when the query result changes without its expectation', async () => {
    const file = join(cwd, 'knowledge', 'verified', 'revenue_total.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace("WHERE status = 'completed'", "WHERE status IN ('completed', 'cancelled')"));
    try {
      const run = await runSleuth(['kb', 'test', 'revenue_total', '--connection', 'demo'], { cwd, env });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^FAIL revenue_total october 2026 \[demo @ 2026-11-15\]/m);
      expect(run.stdout).toMatch(/row 1 revenue: got [\d.]+, expected 756505\.95/);
      expect(run.stdout).toMatch(/row 1 completed_orders: got 1427, expected 1363/);
      expect(run.stdout).toMatch(/0 of 1 result tests passed \(1 verified queries\); FAILED: revenue_total\./);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);

  it('prints the actual rows on request, refuses an unknown name and has --help', async () => {
    const actual = await runSleuth(['kb', 'test', 'orders_by_status', '--actual'], { cwd, env });
    expect(actual.code).toBe(0);
    expect(actual.stdout).toContain('columns: [status, orders, order_value, share_pct]');
    expect(actual.stdout).toContain('- ["completed",1363,756505.95,92.78]');

    const unknown = await runSleuth(['kb', 'test', 'no_such_query'], { cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No verified query no_such_query/);

    const help = await runSleuth(['kb', 'test', '--help'], { cwd, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Run the result tests of verified queries/);
    expect(help.stdout).toMatch(/sorted: revenue desc/);
    expect(help.stdout).toMatch(/Exit status: 0 when every test passes, 1 when one fails/);
  }, 60_000);

  it('refuses a test that names an unknown parameter when the file is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sleuth-kb-test-bad-'));
    mkdirSync(join(dir, 'verified'));
    writeFileSync(
      join(dir, 'verified', 'revenue_total.yaml'),
      revenueTotalWithTests(
        'tests:\n  - now: 2026-11-15\n    parameters: { region: EU }\n    expect: { row_count: 1 }\n',
      ),
    );
    const run = await runSleuth(['kb', 'test'], { cwd, env: { ...env, SLEUTH_KNOWLEDGE_DIR: dir } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tests\.0\.parameters\.region: no parameter region/);
  }, 60_000);
});

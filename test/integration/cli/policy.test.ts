/**
 * `sleuth policy check`, `sleuth schema` and `sleuth sql` under an access policy, in-process against the SQLite
 * policy fixture: validation errors with exit 2, what a caller may use, the verdict on a statement, exit 1 on a
 * refusal, hidden tables missing from the schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runSleuth } from '../../helpers/cli.js';
import { ensurePolicyFixture, FIXTURE_DATA_RULES, SECRET_SALARY } from '../../helpers/policy-fixture.js';

describe('sleuth policy check', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-policy-cli-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    const url = await ensurePolicyFixture('sqlite', 'sleuth_test_policy_cli');
    const policy = {
      access: [
        { name: 'analysts', connections: ['fixture'], channels: ['C0DATA'], groups: ['S0ANALYSTS'] },
        { name: 'here', connections: ['*'], local: true },
      ],
      connections: { fixture: FIXTURE_DATA_RULES },
    };
    writeFileSync(join(cwd, 'policy.yaml'), stringify(policy));
    env = { SLEUTH_DB_FIXTURE_URL: url, SLEUTH_POLICY_FILE: join(cwd, 'policy.yaml'), SLEUTH_DATA_DIR: cwd };
  });

  it('says so when no policy is configured', async () => {
    const run = await runSleuth(['policy', 'check'], {
      cwd,
      env: { SLEUTH_DB_FIXTURE_URL: env.SLEUTH_DB_FIXTURE_URL! },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No access policy is configured: every caller may use every connection');
    expect(run.stdout).toContain('hidden tables: none');
  });

  it('shows what a local caller may use, with hidden tables (and why), denied and masked columns', async () => {
    const run = await runSleuth(['policy', 'check'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(valid)');
    expect(run.stdout).toContain('fixture: allowed (here)');
    expect(run.stdout).toMatch(/hidden tables: .*payroll \(it reads salaries, which is hidden\)/);
    expect(run.stdout).toMatch(/hidden tables: .*salaries \(tables\.deny: salaries\)/);
    expect(run.stdout).toMatch(/hidden tables: .*gmail_customers \(it uses customers\.email \(denied\)/);
    expect(run.stdout).toContain('denied columns: customer_contacts.email, customers.email');
    expect(run.stdout).toContain('masked columns: customers.phone');
  });

  it('explains why a user in an allowed channel but not in an allowed group is refused, with exit 1', async () => {
    const run = await runSleuth(
      ['policy', 'check', '--user', 'U0ALICE', '--channel', 'C0DATA', '--group', 'S0SALES', 'SELECT id FROM orders'],
      { cwd, env },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Caller: Slack user U0ALICE, in channel C0DATA, groups S0SALES');
    expect(run.stdout).toMatch(
      /fixture: refused: You may not use the "fixture" data here: you are not in a user group/,
    );
    expect(run.stdout).toContain('analysts: connection yes, channels yes, groups no -> does not match');
    const allowed = await runSleuth(
      ['policy', 'check', '--user', 'U0ALICE', '--channel', 'C0DATA', '--group', 'S0SALES', '--group', 'S0ANALYSTS'],
      { cwd, env },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('fixture: allowed (analysts)');
  });

  it('prints the verdict on a statement: refused naming the table, or allowed with the masked columns', async () => {
    const refused = await runSleuth(['policy', 'check', 'SELECT c.name FROM customers c JOIN payroll p ON 1 = 1'], {
      cwd,
      env,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Statement: refused (PERMISSION_DENIED): payroll is not available to you');
    const masked = await runSleuth(['policy', 'check', '--format', 'json', 'SELECT id, phone FROM customers'], {
      cwd,
      env,
    });
    expect(masked.code).toBe(0);
    const report = JSON.parse(masked.stdout);
    expect(report.sql).toEqual({ allowed: true, maskedColumns: ['phone'] });
    expect(report.tables.hidden.map((h: { table: string }) => h.table).sort()).toEqual([
      'gmail_customers',
      'payroll',
      'salaries',
    ]);
    const guard = await runSleuth(['policy', 'check', 'DELETE FROM orders'], { cwd, env });
    expect(guard.code).toBe(1);
    expect(guard.stdout).toContain('Statement: refused (WRITE_STATEMENT)');
  });

  it('stops with exit 2 and one line per problem on a bad policy, and on conflicting caller options', async () => {
    writeFileSync(join(cwd, 'bad.yaml'), stringify({ access: [{ connections: ['fixture'], user: ['U1'] }] }));
    const bad = await runSleuth(['policy', 'check'], {
      cwd,
      env: { ...env, SLEUTH_POLICY_FILE: join(cwd, 'bad.yaml') },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml: policy\.access\.0: Unrecognized key: "user"/);
    expect(bad.stderr).toMatch(/policy\.access\.0: say who the rule is for/);
    const both = await runSleuth(['policy', 'check', '--user', 'U1', '--api-key', 'bot'], { cwd, env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either a Slack caller');
  });

  it('has a helpful --help', async () => {
    const run = await runSleuth(['policy', 'check', '--help'], { cwd, env });
    expect(run.code).toBe(0);
    for (const text of ['--user <id>', '--group <id>', '--api-key <name>', 'Exit status: 0', 'Examples:']) {
      expect(run.stdout).toContain(text);
    }
  });

  it('keeps hidden tables out of sleuth schema and refuses them in sleuth sql', async () => {
    const schema = await runSleuth(['schema', '--db', 'fixture'], { cwd, env });
    expect(schema.code).toBe(0);
    expect(schema.stdout).toContain('customers (table');
    expect(schema.stdout).not.toMatch(/salaries|payroll|gmail_customers/);
    expect(schema.stdout).toMatch(/phone text \[null, masked\]/);
    const customers = schema.stdout.split('\n\n').find((block) => block.startsWith('customers (table'));
    expect(customers).toBeDefined();
    expect(customers).not.toContain('email');
    const sql = await runSleuth(['sql', '--db', 'fixture', 'SELECT * FROM salaries'], { cwd, env });
    expect(sql.code).toBe(1);
    expect(sql.stderr).toContain('Refused by the access policy: salaries is not available to you');
    expect(sql.stdout + sql.stderr).not.toContain(SECRET_SALARY);
  });
});

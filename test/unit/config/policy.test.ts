/** The policy section of the config: strict, one clear line per problem, from the config file or SLEUTH_POLICY_FILE. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { accessPolicySchema, loadConfig } from '../../../src/config/index.js';
import { problemsOf } from '../../helpers/config.js';

const ENV = { SLEUTH_DB_WAREHOUSE_URL: 'postgres://ro@127.0.0.1/analytics' };

function withFile(content: unknown, name = 'sleuth.config.yaml'): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-policy-'));
  writeFileSync(join(cwd, name), typeof content === 'string' ? content : stringify(content));
  return cwd;
}

const GOOD = {
  access: [
    { name: 'analysts', connections: ['warehouse'], channels: ['C0DATA'], groups: ['S0ANALYSTS', '@data-team'] },
    { connections: ['*'], apiKeys: ['reporting-bot'] },
    { connections: ['*'], local: true },
  ],
  connections: {
    warehouse: {
      tables: { deny: ['salaries', 'hr.*'] },
      columns: { deny: ['customers.email'], mask: ['customers.phone', '*.iban'] },
    },
  },
};

describe('the access policy in the config', () => {
  it('is undefined when not configured (everything allowed, as before)', () => {
    const config = loadConfig({ env: ENV, cwd: mkdtempSync(join(tmpdir(), 'sleuth-policy-')) });
    expect(config.policy).toBeUndefined();
  });

  it('reads a valid policy from the config file, frozen', () => {
    const cwd = withFile({ policy: GOOD });
    const config = loadConfig({ env: ENV, cwd });
    expect(config.policy).toEqual(GOOD);
    expect(config.policySource).toBe(join(cwd, 'sleuth.config.yaml'));
    expect(Object.isFrozen(config.policy?.access?.[0])).toBe(true);
  });

  it('reads SLEUTH_POLICY_FILE, which wins over the config file, with variable substitution', () => {
    const cwd = withFile({ policy: { access: [{ connections: ['*'], local: true }] } });
    writeFileSync(
      join(cwd, 'policy.yaml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the file syntax under test
      stringify({ access: [{ connections: ['warehouse'], apiKeys: ['${BOT}'] }] }),
    );
    const config = loadConfig({ env: { ...ENV, SLEUTH_POLICY_FILE: 'policy.yaml', BOT: 'nightly' }, cwd });
    expect(config.policy?.access).toEqual([{ connections: ['warehouse'], apiKeys: ['nightly'] }]);
    expect(config.policySource).toBe(join(cwd, 'policy.yaml'));
  });

  it('refuses unknown keys, at any depth', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: ENV,
        cwd: withFile({
          policy: { acess: [], connections: { warehouse: { tables: { hide: ['x'] } } } },
        }),
      }),
    );
    expect(problems.join('\n')).toMatch(/policy: Unrecognized key.*acess/);
    expect(problems.join('\n')).toMatch(/policy\.connections\.warehouse\.tables: Unrecognized key.*hide/);
  });

  it('explains malformed Slack ids, patterns and rules that can never match', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: ENV,
        cwd: withFile({
          policy: {
            access: [
              { connections: ['warehouse'], users: ['alice'] },
              { connections: ['warehouse'], channels: ['#data'] },
              { connections: ['warehouse'] },
              { connections: ['warehouse'], users: ['U0123ABC'], apiKeys: ['bot'] },
              { connections: [], local: true },
            ],
            connections: {
              warehouse: {
                tables: { deny: ['a.b.c'] },
                columns: { deny: ['email', 'customers.email'], mask: ['customers.email'] },
              },
            },
          },
        }),
      }),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/access\.0\.users\.0: Slack user ids look like U0123ABCD/);
    expect(text).toMatch(/access\.1\.channels\.0: Slack channel ids look like C0123ABCD/);
    expect(text).toMatch(/access\.2: say who the rule is for/);
    expect(text).toMatch(/access\.3: one rule is for one kind of caller.*split it/);
    expect(text).toMatch(/access\.4\.connections: list at least one entry/);
    expect(text).toMatch(/tables\.deny\.0: tables are written name or schema\.name/);
    expect(text).toMatch(/columns\.deny\.0: columns are written table\.column/);
    expect(text).toMatch(/customers\.email is both denied and masked/);
  });

  it('refuses connection names that are not configured', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: ENV,
        cwd: withFile({
          policy: { access: [{ connections: ['wharehouse'], local: true }], connections: { shop: {} } },
        }),
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /policy\.access\.0\.connections: "wharehouse" is not a configured connection \(known: warehouse\)/,
      ),
      expect.stringMatching(/policy\.connections\.shop: "shop" is not a configured connection/),
    ]);
  });

  it('accepts the example in docs/security.md', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'security.md'), 'utf8');
    const block = /```yaml\n(policy:[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const parsed = accessPolicySchema.safeParse((parse(block!) as { policy: unknown }).policy);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const connections = Object.keys(parsed.data?.connections ?? {}).filter((c) => c !== '*');
    const env = Object.fromEntries(connections.map((c) => [`SLEUTH_DB_${c.toUpperCase()}_URL`, 'sqlite:x.db']));
    const config = loadConfig({
      env: { ...env, SLEUTH_DB_FINANCE_URL: 'sqlite:f.db' },
      cwd: withFile({ policy: parsed.data }),
    });
    expect(config.policy?.access).toHaveLength(4);
  });

  it('reports an unreadable SLEUTH_POLICY_FILE and a misspelled variable', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sleuth-policy-'));
    const problems = problemsOf(() => loadConfig({ env: { ...ENV, SLEUTH_POLICY_FILE: 'missing.yaml' }, cwd }));
    expect(problems[0]).toMatch(/SLEUTH_POLICY_FILE .*missing\.yaml could not be read/);
    const typo = problemsOf(() => loadConfig({ env: { ...ENV, SLEUTH_POLICY_FLE: 'x' }, cwd }));
    expect(typo[0]).toMatch(/SLEUTH_POLICY_FLE is not a Sleuth setting \(did you mean SLEUTH_POLICY_FILE\?\)/);
  });
});

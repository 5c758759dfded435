import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig, queryBudgetFor } from '../../../src/config/index.js';
import { DEFAULT_QUERY_BUDGETS } from '../../../src/sql/index.js';
import { problemsOf } from '../../helpers/config.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'sleuth-guardrails-config-'));

describe('guardrail settings', () => {
  it('default to limits on (20 questions per user per hour, 100 API requests per minute per key), 90 days of audit', () => {
    const config = loadConfig({ env: {}, cwd: tempDir() });
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.limits).toMatchObject({ enabled: true, userInvestigationsPerHour: 20, apiRequestsPerMinute: 100 });
    expect(config.audit.retentionDays).toBe(90);
    expect(config.queryBudget.enabled).toBe(true);
    // the demo connection is SQLite: no estimates, no budget
    expect(queryBudgetFor(config.queryBudget, 'demo', 'sqlite')).toBeUndefined();
    expect(queryBudgetFor(config.queryBudget, undefined, 'postgres')).toEqual(DEFAULT_QUERY_BUDGETS.postgres);
  });

  it('read from the environment, with one problem per bad value', () => {
    const config = loadConfig({
      cwd: tempDir(),
      env: {
        SLEUTH_LIMITS: 'off',
        SLEUTH_LIMIT_USER_PER_HOUR: '5',
        SLEUTH_LIMIT_USER_DAILY_USD: '2.5',
        SLEUTH_AUDIT_RETENTION_DAYS: '0',
        SLEUTH_QUERY_BUDGET: 'off',
      },
    });
    expect(config.limits).toMatchObject({ enabled: false, userInvestigationsPerHour: 5, userDailyCostUsd: 2.5 });
    expect(config.audit.retentionDays).toBe(0);
    expect(queryBudgetFor(config.queryBudget, undefined, 'postgres')).toBeUndefined();
    const problems = problemsOf(() =>
      loadConfig({
        cwd: tempDir(),
        env: {
          SLEUTH_LIMITS: 'maybe',
          SLEUTH_LIMIT_API_PER_MINUTE: '1.5',
          SLEUTH_AUDIT_RETENTION_DAYS: 'forever',
          SLEUTH_LIMIT_USR_PER_HOUR: '1',
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /SLEUTH_LIMIT_USR_PER_HOUR is not a Sleuth setting \(did you mean SLEUTH_LIMIT_USER_PER_HOUR\?\)/,
      ),
      'SLEUTH_LIMITS must be on or off, got "maybe".',
      'SLEUTH_LIMIT_API_PER_MINUTE must be a whole number of 0 or more, got "1.5".',
      'SLEUTH_AUDIT_RETENTION_DAYS must be a whole number of days (0 keeps everything), got "forever".',
    ]);
  });

  it('per connection in the file: a budget, or false; SQLite cannot have one; unknown keys are errors', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.yaml'),
      [
        'connections:',
        '  warehouse: { url: "postgres://ro@db/analytics", queryBudget: { maxCost: 50000 } }',
        '  shop: { url: "mysql://ro@db/shop", queryBudget: false }',
        '  other: { url: "mariadb://ro@db/other" }',
        'queryBudget: { mariadb: { maxRows: 1000000 } }',
        'limits: { userConcurrentInvestigations: 1, leaseTtlSeconds: 60, workspaceDailyCostUsd: 0 }',
        'audit: { retentionDays: 365 }',
      ].join('\n'),
    );
    const config = loadConfig({ env: {}, cwd });
    expect(queryBudgetFor(config.queryBudget, 'warehouse', 'postgres')).toEqual({
      maxRows: 10_000_000,
      maxCost: 50_000,
    });
    expect(queryBudgetFor(config.queryBudget, 'shop', 'mariadb')).toBeUndefined();
    expect(queryBudgetFor(config.queryBudget, 'other', 'mariadb')).toEqual({ maxRows: 1_000_000, maxCost: 50_000_000 });
    expect(config.limits).toMatchObject({
      userConcurrentInvestigations: 1,
      leaseTtlMs: 60_000,
      workspaceDailyCostUsd: 0,
    });
    expect(config.audit.retentionDays).toBe(365);
    // connections stay as the data source port knows them
    expect(config.connections.find((c) => c.name === 'warehouse')).toEqual({
      name: 'warehouse',
      url: 'postgres://ro@db/analytics',
      dialect: 'postgres',
      timeoutMs: 30_000,
      maxRows: 10_000,
    });

    const bad = tempDir();
    writeFileSync(
      join(bad, 'sleuth.config.yaml'),
      [
        'connections:',
        '  local: { url: "sqlite:/tmp/x.sqlite", queryBudget: { maxRows: 10 } }',
        'limits: { userPerHour: 3 }',
        'queryBudget: { postgres: { maxCost: -1 } }',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ env: {}, cwd: bad }));
    expect(problems.some((p) => /limits: Unrecognized key.*userPerHour/.test(p))).toBe(true);
    expect(problems.some((p) => /queryBudget\.postgres\.maxCost/.test(p))).toBe(true);
  });

  it('refuses a query budget on a SQLite connection (it reports no estimates)', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.json'),
      JSON.stringify({ connections: { local: { url: 'sqlite:/tmp/x.sqlite', queryBudget: { maxRows: 10 } } } }),
    );
    expect(problemsOf(() => loadConfig({ env: {}, cwd }))).toEqual([
      "connections.local.queryBudget: SQLite's planner reports no row or cost estimates, so a query budget cannot apply; remove it.",
    ]);
  });
});

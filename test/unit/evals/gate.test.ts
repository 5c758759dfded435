import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../../evals/gate.js';
import { runGuardSuite } from '../../../evals/suites/guard.js';
import { createSqlGuard } from '../../../src/sql/index.js';
import type { SqlGuard } from '../../../src/sql/types.js';
import { allowEverythingGuard } from '../../helpers/seams.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'sql');

describe('the eval gate', () => {
  it('passes when every score meets its threshold and lists each one', () => {
    const gate = evaluateGate({ 'a.x': 0.99, 'b.y': 1 }, { 'a.x': 0.98, 'b.y': 1 });
    expect(gate).toMatchObject({ passed: true, failures: [] });
    expect(gate.lines).toEqual(['ok   a.x 0.990 >= 0.980', 'ok   b.y 1.000 >= 1.000']);
  });

  it('fails a score below its threshold, and a missing score, with readable lines', () => {
    const gate = evaluateGate(
      { 'faq.recall': 0.8 },
      { 'faq.recall': 0.85, 'faq.precision': 0.98 },
      { 'faq.recall': 'too many misses' },
    );
    expect(gate.passed).toBe(false);
    expect(gate.failures).toEqual([
      'faq.precision: no score (the suite did not produce it)',
      'faq.recall 0.800 < 0.850 (too many misses)',
    ]);
  });

  it('holds with the real guard over the fixtures', async () => {
    const report = runGuardSuite(await createSqlGuard(), FIXTURES);
    expect(report.attacks).toBeGreaterThan(150);
    expect(report.failures).toEqual([]);
    expect(report.attacksRefused).toBe(report.attacks);
    expect(report.legitAllowed).toBe(report.legit);
  });

  it('fails when the guard is broken: a guard that allows everything lets every attack through', () => {
    const report = runGuardSuite(allowEverythingGuard, FIXTURES);
    const gate = evaluateGate(
      { 'guard.attack_refusal': report.attacksRefused / report.attacks },
      { 'guard.attack_refusal': 1 },
      { 'guard.attack_refusal': `the guard let ${report.attacks - report.attacksRefused} attacks through` },
    );
    expect(gate.passed).toBe(false);
    expect(gate.failures[0]).toBe(
      `guard.attack_refusal 0.000 < 1.000 (the guard let ${report.attacks} attacks through)`,
    );
    expect(report.failures[0]).toMatch(/^\[postgres\] attack allowed: /);
  });

  it('fails when the guard refuses legitimate queries', async () => {
    const real = await createSqlGuard();
    const refusesJoins: SqlGuard = {
      ...real,
      check: (sql, dialect, policy) =>
        /\bjoin\b/i.test(sql)
          ? { allowed: false, code: 'NOT_READ_ONLY', reason: 'broken on purpose' }
          : real.check(sql, dialect, policy),
    } as SqlGuard;
    const report = runGuardSuite(refusesJoins, FIXTURES);
    expect(report.legitAllowed).toBeLessThan(report.legit);
    expect(report.failures.some((f) => /legit query refused \(NOT_READ_ONLY\)/.test(f))).toBe(true);
  });
});

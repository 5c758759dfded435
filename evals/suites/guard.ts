/**
 * Guard suite: every adversarial statement in test/fixtures/sql/attacks.yaml must be refused with its expected code,
 * every legitimate one in legit.yaml allowed, per dialect. Pure (no database): the gate runs it in seconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SQL_DIALECTS, type SqlDialect } from '../../src/sql/index.js';
import type { SqlGuard } from '../../src/sql/types.js';

const entry = z.object({
  sql: z.string(),
  code: z.string().optional(),
  name: z.string().optional(),
  dialects: z.array(z.enum(SQL_DIALECTS as unknown as [SqlDialect, ...SqlDialect[]])).optional(),
});

export interface GuardSuiteReport {
  attacks: number;
  attacksRefused: number;
  attacksWithExpectedCode: number;
  legit: number;
  legitAllowed: number;
  failures: string[];
}

export function runGuardSuite(guard: SqlGuard, fixturesDir: string): GuardSuiteReport {
  const load = (file: string) => z.array(entry).parse(parse(readFileSync(join(fixturesDir, file), 'utf8')));
  const report: GuardSuiteReport = {
    attacks: 0,
    attacksRefused: 0,
    attacksWithExpectedCode: 0,
    legit: 0,
    legitAllowed: 0,
    failures: [],
  };
  for (const attack of load('attacks.yaml')) {
    for (const dialect of attack.dialects ?? SQL_DIALECTS) {
      report.attacks += 1;
      const verdict = guard.check(attack.sql, dialect);
      if (verdict.allowed) {
        report.failures.push(`[${dialect}] attack allowed: ${JSON.stringify(attack.sql).slice(0, 100)}`);
        continue;
      }
      report.attacksRefused += 1;
      if (verdict.code === attack.code) report.attacksWithExpectedCode += 1;
      else
        report.failures.push(
          `[${dialect}] refused with ${verdict.code}, expected ${attack.code}: ${JSON.stringify(attack.sql).slice(0, 80)}`,
        );
    }
  }
  for (const legit of load('legit.yaml')) {
    for (const dialect of legit.dialects ?? SQL_DIALECTS) {
      report.legit += 1;
      const verdict = guard.check(legit.sql, dialect);
      if (verdict.allowed) report.legitAllowed += 1;
      else
        report.failures.push(
          `[${dialect}] legit query refused (${verdict.code}): ${legit.name ?? legit.sql.slice(0, 60)}`,
        );
    }
  }
  return report;
}

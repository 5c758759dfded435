/**
 * Comparator self-check: the execution-accuracy comparator must give every case of the edge-case table
 * (evals/comparator-cases.ts) its expected verdict and deciding rule under both Spider's and BIRD's rules. A
 * comparator that drifts from the official rules would make every other accuracy number meaningless.
 */

import { compareResults } from '../comparator.js';
import { COMPARATOR_CASES } from '../comparator-cases.js';

export interface ComparatorSuiteReport {
  checks: number;
  agreed: number;
  failures: string[];
}

export function runComparatorSuite(): ComparatorSuiteReport {
  const report: ComparatorSuiteReport = { checks: 0, agreed: 0, failures: [] };
  for (const c of COMPARATOR_CASES) {
    for (const mode of ['spider', 'bird'] as const) {
      const [match, rule] = c[mode];
      const outcome = compareResults(c.predicted, c.gold, { ordered: c.ordered ?? false, mode, ties: c.ties });
      report.checks++;
      if (outcome.match === match && outcome.rule === rule) report.agreed++;
      else
        report.failures.push(
          `${c.name} [${mode}]: expected ${match} by ${rule}, got ${outcome.match} by ${outcome.rule}`,
        );
    }
  }
  return report;
}

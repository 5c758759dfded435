/**
 * Verified-query result tests suite for the CI gate: every `tests:` block of knowledge/verified/*.yaml through
 * `sleuth kb test`'s runner (demo database built for each pinned date, the guarded read-only executor). A verified
 * query whose result changes without its expectation fails the gate with the diff.
 */
import { join } from 'node:path';
import { formatOutcomes, runKbTests } from '../../src/cli/commands/kb-test.js';
import type { ResultTestOutcome } from '../../src/knowledge/index.js';
import { createSleuthContext } from '../../src/main.js';

export interface KbTestSuiteReport {
  tests: number;
  passed: number;
  queries: number;
  outcomes: ResultTestOutcome[];
  /** One line per failing test with its first difference. */
  failures: string[];
  lines: string[];
}

/** The demo data the FAQ eval uses is anchored at this date; tests pinned to it reuse that database. */
const EVAL_ANCHOR = '2026-11-15';

export async function runKbTestSuite(root: string): Promise<KbTestSuiteReport> {
  const context = await createSleuthContext({
    env: {
      SLEUTH_NOW: EVAL_ANCHOR,
      SLEUTH_DATA_DIR: join(root, '.sleuth/eval'),
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_KNOWLEDGE_DIR: join(root, 'knowledge'),
    },
    cwd: root,
  });
  try {
    const outcomes = await runKbTests(context);
    const failed = outcomes.filter((o) => !o.passed);
    return {
      tests: outcomes.length,
      passed: outcomes.length - failed.length,
      queries: new Set(outcomes.map((o) => o.query)).size,
      outcomes,
      failures: failed.map(
        (o) => `${o.query} ${o.test} [${o.connection} @ ${o.now}]: ${o.failures.slice(0, 2).join('; ')}`,
      ),
      lines: formatOutcomes(outcomes),
    };
  } finally {
    await context.close();
  }
}

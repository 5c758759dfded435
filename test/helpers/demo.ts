import type { SqlDialect } from '../../src/sql/index.js';
import { ensureDatabase } from './databases.js';

/** The demo data in tests is anchored here, so "last month" is October 2026 in every run. */
export const TEST_DEMO_ANCHOR = new Date('2026-11-15T12:00:00Z');
export const TEST_DEMO_DATABASE = 'sleuth_test_demo';

/** URL of the demo database loaded by test/global-setup.ts. */
export function demoUrl(dialect: SqlDialect): Promise<string> {
  return ensureDatabase(dialect, TEST_DEMO_DATABASE);
}

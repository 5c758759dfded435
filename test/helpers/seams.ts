import type { GuardVerdict, SqlGuard } from '../../src/sql/index.js';

/**
 * TEST-ONLY SEAM: a guard that allows everything, so a test can prove the database's read-only path refuses what
 * slipped past the guard. Never used outside test/.
 */
export const allowEverythingGuard: SqlGuard = {
  check(sql, dialect): GuardVerdict {
    return { allowed: true, dialect, kind: 'select', sql, tables: [], columns: [] };
  },
};

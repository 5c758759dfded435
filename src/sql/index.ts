export { addRowLimit, createSqlGuard, DEFAULT_MAX_SQL_LENGTH } from './guard/index.js';
export { isSqlDialect, SQL_DIALECTS, type SqlDialect } from './dialect.js';
export type * from './types.js';

export {
  type BudgetBreach,
  checkQueryBudget,
  costUnit,
  DEFAULT_QUERY_BUDGETS,
  explainStatement,
  type PlanEstimate,
  parseExplain,
  type QueryBudget,
  queryTooExpensive,
} from './budget/index.js';
export { isSqlDialect, SQL_DIALECTS, type SqlDialect } from './dialect.js';
export {
  createSqlExecutor,
  type ExecutedQuery,
  type ExecuteOptions,
  effectiveLimits,
  type SqlExecutor,
  type SqlExecutorDeps,
  statementGuardPolicy,
} from './execute.js';
export { addRowLimit, createSqlGuard, DEFAULT_MAX_SQL_LENGTH, verifySql } from './guard/index.js';
export type * from './types.js';

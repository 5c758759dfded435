export {
  type BudgetBreach,
  checkQueryBudget,
  DEFAULT_QUERY_BUDGETS,
  type QueryBudget,
  queryTooExpensive,
} from './budget.js';
export { costUnit, explainStatement, type PlanEstimate, parseExplain } from './estimate.js';

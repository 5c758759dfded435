/**
 * The query cost budget: before a statement runs, its EXPLAIN estimate is compared with the connection's budget and
 * the statement is refused, with the estimate, when either number is over. The EXPLAIN goes through the same guard
 * and read-only path as the statement (it is a statement too); ANALYZE is never used, so nothing is executed.
 *
 * The budget is a resource guardrail, not a security boundary (the guard and the read-only transaction are): when
 * the estimate cannot be read the statement runs as before, under its timeout and row cap.
 */
import { UserError } from '../../common/errors.js';
import type { SqlDialect } from '../dialect.js';
import { costUnit, type PlanEstimate } from './estimate.js';

/** Largest estimates a connection accepts; either may be Infinity (not limited). */
export interface QueryBudget {
  maxRows: number;
  maxCost: number;
}

/**
 * Generous defaults: a demo-scale golden query estimates at most a few thousand cost units / rows examined, while a
 * cross join of two demo tables is in the millions.
 */
export const DEFAULT_QUERY_BUDGETS: Readonly<Record<'postgres' | 'mariadb', QueryBudget>> = {
  postgres: { maxRows: 10_000_000, maxCost: 1_000_000 },
  mariadb: { maxRows: 10_000_000, maxCost: 50_000_000 },
};

export interface BudgetBreach {
  estimate: PlanEstimate;
  budget: QueryBudget;
  /** Which numbers were over. */
  over: ('rows' | 'cost')[];
}

export function checkQueryBudget(estimate: PlanEstimate, budget: QueryBudget): BudgetBreach | undefined {
  const over: ('rows' | 'cost')[] = [];
  if (estimate.rows > budget.maxRows) over.push('rows');
  if (estimate.cost > budget.maxCost) over.push('cost');
  return over.length > 0 ? { estimate, budget, over } : undefined;
}

const count = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unlimited');

/** QUERY_TOO_EXPENSIVE: what the planner estimated, against which budget, and how to narrow the query. */
export function queryTooExpensive(connection: string, dialect: SqlDialect, breach: BudgetBreach): UserError {
  const unit = costUnit(dialect);
  const { estimate, budget } = breach;
  const parts: string[] = [];
  if (breach.over.includes('rows')) parts.push(`${count(estimate.rows)} rows (budget ${count(budget.maxRows)})`);
  if (breach.over.includes('cost')) parts.push(`${unit} ${count(estimate.cost)} (budget ${count(budget.maxCost)})`);
  const message =
    `Query refused by the cost budget of "${connection}": the planner estimates ${parts.join(' and ')}. ` +
    'Narrow it: aggregate in SQL, filter with WHERE, join on keys instead of a cross join, or add a LIMIT.';
  return new UserError('QUERY_TOO_EXPENSIVE', message, {
    details: {
      connection,
      estimate: { rows: estimate.rows, cost: estimate.cost, costUnit: unit },
      budget: { maxRows: finiteOrNull(budget.maxRows), maxCost: finiteOrNull(budget.maxCost) },
      over: breach.over,
    },
  });
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

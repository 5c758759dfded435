import type { BudgetKind } from './events.js';

/** Limits for one investigation. Defaults: 15 steps, 25 SQL runs, 120 s, 200k tokens, $1.00. */
export interface InvestigationBudgets {
  maxSteps: number;
  maxSqlRuns: number;
  maxWallMs: number;
  maxTokens: number;
  maxCostUsd: number;
}

export const DEFAULT_BUDGETS: InvestigationBudgets = {
  maxSteps: 15,
  maxSqlRuns: 25,
  maxWallMs: 120_000,
  maxTokens: 200_000,
  maxCostUsd: 1,
};

export interface BudgetUsage {
  steps: number;
  sqlRuns: number;
  wallMs: number;
  tokens: number;
  costUsd: number;
}

export interface BudgetBreach {
  kind: BudgetKind;
  used: number;
  limit: number;
}

/** The first budget that is used up, or undefined while all have room. */
export function findExhaustedBudget(usage: BudgetUsage, budgets: InvestigationBudgets): BudgetBreach | undefined {
  const checks: BudgetBreach[] = [
    { kind: 'wall_time', used: usage.wallMs, limit: budgets.maxWallMs },
    { kind: 'steps', used: usage.steps, limit: budgets.maxSteps },
    { kind: 'tokens', used: usage.tokens, limit: budgets.maxTokens },
    { kind: 'cost', used: usage.costUsd, limit: budgets.maxCostUsd },
  ];
  return checks.find((check) => check.used >= check.limit);
}

export function describeBreach(breach: BudgetBreach): string {
  switch (breach.kind) {
    case 'wall_time':
      return `the time budget (${Math.round(breach.limit / 1000)} s) ran out`;
    case 'steps':
      return `the step budget (${breach.limit} steps) ran out`;
    case 'sql_runs':
      return `the SQL budget (${breach.limit} statements) ran out`;
    case 'tokens':
      return `the token budget (${breach.limit} tokens) ran out`;
    case 'cost':
      return `the cost budget ($${breach.limit.toFixed(2)}) ran out`;
  }
}

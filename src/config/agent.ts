import { DEFAULT_BUDGETS, type InvestigationBudgets } from '../agent/budget.js';
import type { ConfigFile } from './schema.js';

export type ModelProviderName = 'anthropic' | 'openai-compatible' | 'scripted';

/** Which model Sleuth talks to, or `undefined` when none is configured (FAQ tier and SQL tools still work). */
export interface ModelConfig {
  readonly provider: ModelProviderName;
  readonly model: string | undefined;
  readonly apiKey: string | undefined;
  readonly baseUrl: string | undefined;
  readonly scriptPath: string | undefined;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
}

const PROVIDERS: readonly ModelProviderName[] = ['anthropic', 'openai-compatible', 'scripted'];

export function readModelConfig(
  values: Map<string, string>,
  file: ConfigFile,
  problems: string[],
): ModelConfig | undefined {
  const fileModel = file.model ?? {};
  const explicit = values.get('SLEUTH_LLM_PROVIDER') ?? fileModel.provider;
  if (explicit !== undefined && !(PROVIDERS as readonly string[]).includes(explicit)) {
    problems.push(`SLEUTH_LLM_PROVIDER must be one of ${PROVIDERS.join(', ')}, got "${explicit}".`);
    return undefined;
  }
  const anthropicKey = values.get('ANTHROPIC_API_KEY');
  const baseUrl = values.get('SLEUTH_LLM_BASE_URL') ?? fileModel.baseUrl;
  const provider =
    (explicit as ModelProviderName | undefined) ??
    (anthropicKey ? 'anthropic' : baseUrl ? 'openai-compatible' : undefined);
  if (provider === undefined) return undefined;
  const config: ModelConfig = {
    provider,
    model: values.get('SLEUTH_MODEL') ?? fileModel.name,
    apiKey:
      provider === 'anthropic'
        ? (anthropicKey ?? fileModel.apiKey)
        : (values.get('SLEUTH_LLM_API_KEY') ?? fileModel.apiKey),
    baseUrl: provider === 'anthropic' ? (values.get('ANTHROPIC_BASE_URL') ?? fileModel.baseUrl) : baseUrl,
    scriptPath: values.get('SLEUTH_SCRIPT') ?? fileModel.scriptPath,
    timeoutMs: fileModel.timeoutMs ?? 60_000,
    maxAttempts: fileModel.maxAttempts ?? 4,
  };
  if (provider === 'anthropic' && !config.apiKey) problems.push('The anthropic provider needs ANTHROPIC_API_KEY.');
  if (provider === 'openai-compatible' && !config.baseUrl) {
    problems.push(
      'The openai-compatible provider needs SLEUTH_LLM_BASE_URL (e.g. http://localhost:11434/v1 for Ollama).',
    );
  }
  if (provider === 'openai-compatible' && !config.model)
    problems.push('The openai-compatible provider needs SLEUTH_MODEL.');
  if (provider === 'scripted' && !config.scriptPath)
    problems.push('The scripted provider needs SLEUTH_SCRIPT (a turns file).');
  return config;
}

const BUDGET_ENV: Record<keyof InvestigationBudgets, string> = {
  maxSteps: 'SLEUTH_MAX_STEPS',
  maxSqlRuns: 'SLEUTH_MAX_SQL_RUNS',
  maxWallMs: 'SLEUTH_MAX_WALL_MS',
  maxTokens: 'SLEUTH_MAX_TOKENS',
  maxCostUsd: 'SLEUTH_MAX_COST_USD',
};

export function readBudgets(values: Map<string, string>, file: ConfigFile, problems: string[]): InvestigationBudgets {
  const budgets: InvestigationBudgets = { ...DEFAULT_BUDGETS, ...file.budgets };
  for (const [key, envName] of Object.entries(BUDGET_ENV) as [keyof InvestigationBudgets, string][]) {
    const raw = values.get(envName);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      problems.push(`${envName} must be a positive number, got "${raw.slice(0, 40)}".`);
    else budgets[key] = value;
  }
  return budgets;
}

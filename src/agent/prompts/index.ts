import { readFileSync } from 'node:fs';
import type { SqlDialect } from '../../sql/dialect.js';
import { DIALECT_RULES } from './dialect-rules.js';

/** Bump when the prompt text changes: recorded with every investigation, and part of eval baselines. */
export const PROMPT_VERSION = 'system.v4';

export interface SystemPromptInput {
  dialect: SqlDialect;
  connection: string;
  today: string;
  /** Table names (and short notes) for small databases; a hint to use list_tables for large ones. */
  tableOverview: string;
}

let cachedTemplate: string | undefined;

function template(): string {
  // prompts are text files next to this module (copied to dist/ by the build)
  cachedTemplate ??= readFileSync(new URL(`./${PROMPT_VERSION}.md`, import.meta.url), 'utf8');
  return cachedTemplate;
}

export function buildSystemPrompt(input: SystemPromptInput): string {
  const dialect = DIALECT_RULES[input.dialect];
  const values: Record<string, string> = {
    dialect_name: dialect.name,
    dialect_rules: dialect.rules,
    today: input.today,
    connection: input.connection,
    table_overview: input.tableOverview,
  };
  return template().replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

export function tableOverview(tables: readonly { name: string }[], limit = 200): string {
  if (tables.length === 0) return 'The database has no tables visible to you.';
  if (tables.length > limit) {
    return `The database has ${tables.length} tables: use list_tables with a filter to find the relevant ones.`;
  }
  return `Tables: ${tables.map((t) => t.name).join(', ')}.`;
}

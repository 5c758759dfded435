import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../../common/errors.js';
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

/** A system prompt template: its version (recorded with each investigation) and its text with {{placeholders}}. */
export interface SystemPromptTemplate {
  readonly version: string;
  readonly text: string;
}

const templates = new Map<string, SystemPromptTemplate>();

/**
 * The template of a prompt version shipped next to this module (`system.v3` reads system.v3.md); default the current
 * PROMPT_VERSION. Evals pass another version (or a candidate file's text) to compare prompts on the same questions.
 */
export function promptTemplate(version: string = PROMPT_VERSION): SystemPromptTemplate {
  if (!/^system\.[A-Za-z0-9][\w.-]*$/.test(version) || version.includes('..')) {
    throw new UsageError(`Unknown prompt version "${version}": expected a name like ${PROMPT_VERSION}.`);
  }
  let template = templates.get(version);
  if (!template) {
    // prompts are text files next to this module (copied to dist/ by the build)
    const url = new URL(`./${version}.md`, import.meta.url);
    if (!existsSync(url)) throw new UsageError(`Unknown prompt version "${version}": no ${version}.md prompt file.`);
    template = { version, text: readFileSync(url, 'utf8') };
    templates.set(version, template);
  }
  return template;
}

export function buildSystemPrompt(input: SystemPromptInput, template: SystemPromptTemplate = promptTemplate()): string {
  const dialect = DIALECT_RULES[input.dialect];
  const values: Record<string, string> = {
    dialect_name: dialect.name,
    dialect_rules: dialect.rules,
    today: input.today,
    connection: input.connection,
    table_overview: input.tableOverview,
  };
  return template.text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

export function tableOverview(tables: readonly { name: string }[], limit = 200): string {
  if (tables.length === 0) return 'The database has no tables visible to you.';
  if (tables.length > limit) {
    return `The database has ${tables.length} tables: use list_tables with a filter to find the relevant ones.`;
  }
  return `Tables: ${tables.map((t) => t.name).join(', ')}.`;
}

/**
 * `knowledge/sensitive.yaml`: the admin's column decisions for personal data, reviewed in pull requests like the
 * rest of the knowledge.
 *
 *   sensitive:                      # always masked, whatever the values look like
 *     - column: customers.name
 *       kind: person_name           # optional: how to mask (default: from the value, else fully)
 *       connection: warehouse       # optional: only on this connection
 *       reason: contact data
 *   not_sensitive:                  # never masked: silences a detector's false positive
 *     - column: shipments.tracking_code
 *       reason: carrier codes look like card numbers
 *
 * A column is `table.column` (`schema.table.column` is accepted, the schema is ignored) or `*.column` for every
 * table. A column may not be in both lists. A missing file means no rules; a broken file is an error (a typo must
 * never silently switch masking off).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../common/errors.js';
import { type ColumnRule, NO_RULES, PII_KINDS, type PiiRules } from '../pii/index.js';

export const SENSITIVE_FILE = 'sensitive.yaml';

const columnRef = z
  .string()
  .regex(
    /^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?(?:\*|[A-Za-z_][A-Za-z0-9_$]*)\.[A-Za-z_][A-Za-z0-9_$]*$/,
    'a column as table.column (or *.column for every table)',
  );

const ruleSchema = z.strictObject({
  column: columnRef,
  kind: z.enum(PII_KINDS).optional(),
  connection: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a connection name (lower case letters, digits and _)')
    .optional(),
  reason: z.string().max(500).optional(),
});

const exemptionSchema = ruleSchema.omit({ kind: true });

export const sensitiveFileSchema = z.strictObject({
  sensitive: z.array(ruleSchema).default([]),
  not_sensitive: z.array(exemptionSchema).default([]),
});

export type SensitiveFile = z.infer<typeof sensitiveFileSchema>;

function toRule(entry: {
  column: string;
  kind?: ColumnRule['kind'];
  connection?: string;
  reason?: string;
}): ColumnRule {
  const parts = entry.column.toLowerCase().split('.');
  const column = parts.at(-1)!;
  const table = parts.at(-2)!;
  return {
    table,
    column,
    ...(entry.connection ? { connection: entry.connection } : {}),
    ...(entry.kind ? { kind: entry.kind } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
}

/** Validates the parsed YAML of sensitive.yaml; returns the rules or the problems (one sentence each). */
export function parseSensitiveFile(raw: unknown, file = SENSITIVE_FILE): { rules: PiiRules; problems: string[] } {
  const parsed = sensitiveFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      rules: NO_RULES,
      problems: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(file)'}: ${i.message}`),
    };
  }
  const sensitive = parsed.data.sensitive.map(toRule);
  const notSensitive = parsed.data.not_sensitive.map(toRule);
  const problems: string[] = [];
  const key = (r: ColumnRule) => `${r.connection ?? '*'}:${r.table}.${r.column}`;
  const marked = new Set(sensitive.map(key));
  notSensitive.forEach((rule, index) => {
    if (marked.has(key(rule)))
      problems.push(
        `${file}: not_sensitive.${index}.column: ${rule.table}.${rule.column} is also listed as sensitive; keep it in one list.`,
      );
  });
  return { rules: problems.length > 0 ? NO_RULES : { sensitive, notSensitive }, problems };
}

/** Reads `<dir>/sensitive.yaml`; no file means no rules. Throws KNOWLEDGE_INVALID listing every problem. */
export async function loadSensitiveColumns(dir: string): Promise<PiiRules> {
  const text = await readFile(join(dir, SENSITIVE_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw new UserError('KNOWLEDGE_INVALID', `${SENSITIVE_FILE} could not be read: ${error.message}`, { cause: error });
  });
  if (text === null) return NO_RULES;
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UserError('KNOWLEDGE_INVALID', `${SENSITIVE_FILE} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { rules, problems } = parseSensitiveFile(raw);
  if (problems.length > 0) {
    throw new UserError(
      'KNOWLEDGE_INVALID',
      `The knowledge files in ${dir} have problems:\n  ${problems.join('\n  ')}`,
      {
        details: { problems },
      },
    );
  }
  return rules;
}

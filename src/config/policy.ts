/**
 * The access policy's shape (`policy:` in the config file, or the file named by SLEUTH_POLICY_FILE). Strict like the
 * rest of the config: an unknown key, a malformed Slack id or a rule that can never match is an error at start.
 *
 * - `access`: who may use which connections. A rule names its connections and who it is for: Slack `users`,
 *   `groups` and `channels` (every listed dimension must hold; any entry of a list matches), or `apiKeys` (name or
 *   id), or `local: true` (the CLI, MCP over stdio and evals on this machine). Any matching rule grants. Without
 *   `access`, everyone may use every connection; with it, whoever no rule names is refused.
 * - `connections.<name>` (or `"*"` for all): hidden tables (`tables.deny`, or only `tables.allow`) and column rules
 *   (`columns.deny` refuses, `columns.mask` shows the values masked, `columns.allow` keeps only the listed columns of
 *   a table). They apply to everyone using the connection.
 */
import { z } from 'zod';
import { connectionNameSchema } from './names.js';

const SEGMENT = /^[A-Za-z0-9_$*]+$/;

function listOf(item: z.ZodType<string>) {
  return z.array(item).min(1, 'list at least one entry, or leave the key out');
}

const slackUser = z
  .string()
  .regex(/^(\*|[UW][A-Z0-9]{2,})$/, 'Slack user ids look like U0123ABCD (find them in a profile: ⋮ > Copy member ID)');
const slackChannel = z
  .string()
  .regex(/^(\*|[CDG][A-Z0-9]{2,})$/, 'Slack channel ids look like C0123ABCD (channel details, at the bottom)');
const slackGroup = z
  .string()
  .regex(
    /^(\*|S[A-Z0-9]{2,}|@[a-z0-9][a-z0-9._-]*)$/,
    'Slack user groups are ids like S0123ABCD or handles like @analysts',
  );
const apiKey = z.string().min(1).max(200);

const tablePattern = z.string().refine((value) => {
  const parts = value.split('.');
  return parts.length <= 2 && parts.every((p) => SEGMENT.test(p));
}, 'tables are written name or schema.name; * matches any characters (e.g. hr.*, *_private)');

const columnPattern = z.string().refine((value) => {
  const parts = value.split('.');
  return parts.length >= 2 && parts.length <= 3 && parts.every((p) => SEGMENT.test(p));
}, 'columns are written table.column or schema.table.column; * matches any characters (e.g. *.email)');

export const accessRuleSchema = z
  .strictObject({
    /** A label for `sleuth policy check` and logs. */
    name: z.string().min(1).max(100).optional(),
    connections: listOf(z.union([z.literal('*'), connectionNameSchema])),
    users: listOf(slackUser).optional(),
    groups: listOf(slackGroup).optional(),
    channels: listOf(slackChannel).optional(),
    apiKeys: listOf(apiKey).optional(),
    local: z.literal(true, 'local is true (the CLI, MCP over stdio and evals on this machine) or left out').optional(),
  })
  .superRefine((rule, ctx) => {
    const families = [
      rule.users || rule.groups || rule.channels ? 'Slack (users, groups, channels)' : undefined,
      rule.apiKeys ? 'API keys (apiKeys)' : undefined,
      rule.local ? 'local tools (local)' : undefined,
    ].filter(Boolean);
    if (families.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'say who the rule is for: users, groups, channels (Slack), apiKeys, or local: true',
      });
    } else if (families.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `one rule is for one kind of caller, but this one names ${families.join(' and ')}: split it into separate rules`,
      });
    }
  });

export const connectionDataPolicySchema = z
  .strictObject({
    tables: z
      .strictObject({
        /** Only these tables and views are visible (default: all). */
        allow: listOf(tablePattern).optional(),
        /** Hidden: invisible in the schema and refused in SQL, and so is every view that reads them. */
        deny: listOf(tablePattern).optional(),
      })
      .optional(),
    columns: z
      .strictObject({
        /** For each table named here, only these columns may be read. */
        allow: listOf(columnPattern).optional(),
        /** Refused: a statement that reads them (also through SELECT * or a view) is refused. */
        deny: listOf(columnPattern).optional(),
        /** Masked: may be selected as they are (values come back masked), not filtered, joined or computed on. */
        mask: listOf(columnPattern).optional(),
      })
      .optional(),
  })
  .superRefine((rules, ctx) => {
    const denied = new Set((rules.columns?.deny ?? []).map((c) => c.toLowerCase()));
    for (const column of rules.columns?.mask ?? []) {
      if (denied.has(column.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', 'mask'],
          message: `${column} is both denied and masked; keep it in one list`,
        });
      }
    }
  });

export const accessPolicySchema = z.strictObject({
  access: z.array(accessRuleSchema).optional(),
  connections: z.record(z.union([z.literal('*'), connectionNameSchema]), connectionDataPolicySchema).optional(),
});

export type AccessRule = z.infer<typeof accessRuleSchema>;
export type ConnectionDataPolicy = z.infer<typeof connectionDataPolicySchema>;
export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/** Problems with connection names the policy uses that are not configured. */
export function policyConnectionProblems(policy: AccessPolicy, known: readonly string[], where: string): string[] {
  const problems: string[] = [];
  const unknown = (name: string) => name !== '*' && !known.includes(name);
  const list = known.join(', ');
  (policy.access ?? []).forEach((rule, i) => {
    for (const name of rule.connections.filter(unknown)) {
      problems.push(`${where}access.${i}.connections: "${name}" is not a configured connection (known: ${list}).`);
    }
  });
  for (const name of Object.keys(policy.connections ?? {}).filter(unknown)) {
    problems.push(`${where}connections.${name}: "${name}" is not a configured connection (known: ${list}).`);
  }
  return problems;
}

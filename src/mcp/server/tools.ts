/**
 * The MCP tools other than `investigate`: one guarded statement, the schema, knowledge search and the FAQ tier. Every
 * statement goes through the context (guard, read-only executor, limits) with the MCP actor; connections are named,
 * never given as URLs, so a client cannot point Sleuth at another host or a local file.
 */
import { z } from 'zod';
import type { FaqOutcome } from '../../knowledge/index.js';
import { permissionDenied } from '../../policy/index.js';
import { tableDescriptionSchema } from '../../sql/introspect/index.js';
import { connectionArg, defineTool, jsonRow, type ToolDefinition, type ToolEnv } from './tool.js';

const columnSchema = z.object({ name: z.string(), type: z.string() });

const runSqlOutput = z.object({
  connection: z.string(),
  columns: z.array(columnSchema),
  rows: z.array(z.array(z.unknown())).describe('rows as arrays aligned with columns'),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('true when more rows existed than were returned (row cap or maxRows)'),
  elapsedMs: z.number(),
  tables: z.array(z.string()).describe('tables the statement reads, as the guard saw them'),
});

export const runSqlTool = defineTool({
  name: 'run_sql',
  title: 'Run one read-only SQL statement',
  description:
    'Runs exactly one read-only statement (SELECT, WITH ... SELECT, VALUES, EXPLAIN, harmless SHOW) on a connection. ' +
    "It passes Sleuth's SQL guard first (writes, several statements, file and network functions are refused with a " +
    'code such as WRITE_STATEMENT) and then runs in a read-only transaction with a statement timeout and a row cap.',
  input: z.object({
    sql: z.string().min(1).max(100_000).describe('the SQL statement, in the connection’s dialect'),
    connection: connectionArg,
    maxRows: z.number().int().min(1).max(10_000).default(500).describe('most rows to return (default 500)'),
  }),
  output: runSqlOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    const result = await env.context.runSql({ sql: args.sql, db: args.connection, actor: env.actor });
    const shown = result.rows.slice(0, args.maxRows);
    const structured = {
      connection: result.connection,
      columns: result.columns,
      rows: shown.map(jsonRow),
      rowCount: shown.length,
      truncated: result.truncated || result.rows.length > shown.length,
      elapsedMs: result.elapsedMs,
      tables: result.verdict.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)),
    };
    return { structured };
  },
});

export const getSchemaTool = defineTool({
  name: 'get_schema',
  title: 'Describe tables',
  description:
    'Tables and views of a connection with columns, types, keys, comments and row estimates; or one table with `table`.',
  input: z.object({
    connection: connectionArg,
    table: z.string().min(1).max(200).optional().describe('describe only this table (schema.table allowed)'),
  }),
  output: z.object({ connection: z.string(), dialect: z.string(), tables: z.array(tableDescriptionSchema) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    const view = await env.context.schema({ actor: env.actor, db: args.connection, table: args.table });
    return { structured: view };
  },
});

const KINDS = ['verified_query', 'doc', 'table'] as const;

export const searchKnowledgeTool = defineTool({
  name: 'search_knowledge',
  title: 'Search the knowledge base',
  description:
    'Searches verified queries (reviewed SQL for common questions), business glossary and docs, and table notes. ' +
    'Good before writing SQL: a verified query shows how the team computes a metric.',
  input: z.object({
    query: z.string().min(1).max(2_000).describe('words or a question'),
    connection: connectionArg,
    limit: z.number().int().min(1).max(20).default(5).describe('most hits per kind (default 5)'),
    kinds: z.array(z.enum(KINDS)).min(1).optional().describe('restrict to these kinds'),
  }),
  output: z.object({
    hits: z.array(
      z.object({
        kind: z.enum(KINDS),
        title: z.string(),
        text: z.string(),
        sql: z.string().optional(),
        score: z.number(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    // the caller must be allowed on the connection, as for the FAQ tier (hidden tables are filtered by the base)
    const access = await env.context.access({ actor: env.actor, db: args.connection });
    if (!access.allowed) throw permissionDenied(access.reason, { connection: access.connection });
    const kb = await env.context.knowledge();
    const hits = await kb.search(args.query, { connection: args.connection, limit: args.limit, kinds: args.kinds });
    return { structured: { hits: hits.map((h) => ({ ...h })) } };
  },
});

const faqOutput = z.object({
  kind: z.enum(['answered', 'ask_back', 'miss']),
  confidence: z.number(),
  connection: z.string().optional(),
  verifiedQuery: z
    .object({ name: z.string(), description: z.string(), owner: z.string(), verifiedOn: z.string() })
    .optional(),
  sql: z.string().optional().describe('answered: the filled SQL that ran'),
  parameters: z.array(z.object({ name: z.string(), display: z.string(), source: z.string() })).optional(),
  columns: z.array(columnSchema).optional(),
  rows: z.array(z.array(z.unknown())).optional(),
  rowCount: z.number().int().optional(),
  truncated: z.boolean().optional(),
  prompt: z.string().optional().describe('ask_back: the question to ask the user'),
  parameter: z.string().optional(),
  options: z.array(z.string()).optional(),
  nearest: z.array(z.object({ name: z.string(), confidence: z.number() })).optional(),
});

export const askFaqTool = defineTool({
  name: 'ask_faq',
  title: 'Answer from verified queries (no model)',
  description:
    'Answers instantly when a verified query confidently matches the question (no model is called): the filled SQL, ' +
    'its rows and the verified query cited. `ask_back` means a parameter (such as the period) is missing; `miss` means ' +
    'no verified query fits: use `investigate`.',
  input: z.object({ question: z.string().min(1).max(4_000), connection: connectionArg }),
  output: faqOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    const kb = await env.context.knowledge();
    const outcome = await kb.answerFaq({ question: args.question, connection: args.connection, actor: env.actor });
    await auditFaq(env, args.question, outcome);
    return { structured: faqStructured(outcome), text: faqText(outcome) };
  },
});

async function auditFaq(env: ToolEnv, question: string, outcome: FaqOutcome): Promise<void> {
  const store = await env.context.memory();
  await store
    .appendAudit({
      actor: env.actor.id,
      action: 'faq',
      connection: outcome.kind === 'miss' ? null : outcome.connection,
      sql: outcome.kind === 'answered' ? outcome.sql : null,
      verdict: outcome.kind === 'answered' ? 'allowed' : null,
      detail: {
        question,
        via: 'mcp',
        outcome: outcome.kind,
        verifiedQuery: outcome.kind === 'miss' ? null : outcome.verifiedQuery.name,
      },
    })
    .catch((error: unknown) => env.logger.warn({ err: String(error) }, 'audit write failed'));
}

function faqStructured(outcome: FaqOutcome): z.output<typeof faqOutput> {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  if (outcome.kind === 'miss') {
    return { kind: 'miss', confidence: round(outcome.confidence), nearest: [...outcome.nearest] };
  }
  const verifiedQuery = { ...outcome.verifiedQuery };
  if (outcome.kind === 'ask_back') {
    return {
      kind: 'ask_back',
      confidence: round(outcome.confidence),
      connection: outcome.connection,
      verifiedQuery,
      prompt: outcome.prompt,
      parameter: outcome.parameter,
      options: [...outcome.options],
    };
  }
  return {
    kind: 'answered',
    confidence: round(outcome.confidence),
    connection: outcome.connection,
    verifiedQuery,
    sql: outcome.sql,
    parameters: outcome.parameters.map((p) => ({ ...p })),
    columns: outcome.result.columns,
    rows: outcome.result.rows.map(jsonRow),
    rowCount: outcome.result.rowCount,
    truncated: outcome.result.truncated,
  };
}

/** A miss or an ask-back reads as a sentence; an answer as its JSON (the default). */
function faqText(outcome: FaqOutcome): string | undefined {
  if (outcome.kind === 'miss') {
    const nearest = outcome.nearest.map((n) => n.name).join(', ');
    return `No verified query answers this confidently${nearest ? ` (nearest: ${nearest})` : ''}; use investigate.`;
  }
  return outcome.kind === 'ask_back' ? outcome.prompt : undefined;
}

export const BASIC_TOOLS: readonly ToolDefinition[] = [
  runSqlTool,
  getSchemaTool,
  searchKnowledgeTool,
  askFaqTool,
] as unknown as readonly ToolDefinition[];

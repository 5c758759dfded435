/**
 * One MCP server (the SDK's low-level Server) bound to one actor and one MCP session. Tools are dispatched here so
 * that every input is validated with our zod schemas and every failure is our tool error (stable code, safe text);
 * the SDK's McpServer would answer bad input with its own text instead.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Actor } from '../../common/actor.js';
import { BugError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { SleuthConfig } from '../../config/index.js';
import type { SleuthContext } from '../../main.js';
import { sleuthImplementation } from '../version.js';
import { errorInfo, toolError } from './errors.js';
import { investigateTool } from './investigate.js';
import { createSchemaResources, RESOURCE_TEMPLATES } from './resources.js';
import { jsonSchemaOf, type McpSessionState, type ToolDefinition, type ToolEnv } from './tool.js';
import { BASIC_TOOLS } from './tools.js';

/**
 * A context built on first need (`sleuth mcp` over stdio): `initialize` and `tools/list` are answered from the
 * configuration alone, before the app loads; the first tool call or resource read opens it.
 */
export interface LazySleuthContext {
  readonly lazy: true;
  readonly config: SleuthConfig;
  open(): Promise<SleuthContext>;
}

export interface SleuthMcpServerDeps {
  context: SleuthContext | LazySleuthContext;
  /** Who is asking (kind 'mcp'); every statement and the audit log carry it. */
  actor: Actor;
  logger: Logger;
}

export const SLEUTH_TOOLS: readonly ToolDefinition[] = [investigateTool as unknown as ToolDefinition, ...BASIC_TOOLS];

export function createSleuthMcpServer(deps: SleuthMcpServerDeps): Server {
  const { actor } = deps;
  const given = deps.context;
  const config = given.config;
  const context = 'lazy' in given ? () => given.open() : async () => given;
  const logger = deps.logger.child({ mcpActor: actor.id });
  const session: McpSessionState = {};
  const tools = new Map(SLEUTH_TOOLS.map((t) => [t.name, t]));
  const resources = createSchemaResources({ config, context, actor, logger });
  const server = new Server(sleuthImplementation(), {
    capabilities: { tools: {}, resources: {} },
    instructions: instructions(config),
  });

  const listed = SLEUTH_TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchemaOf(t.input, 'input'),
    outputSchema: jsonSchemaOf(t.output, 'output'),
    annotations: { title: t.title, ...t.annotations },
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const name = request.params.name;
    const tool = tools.get(name);
    if (!tool)
      return toolError({
        code: 'NOT_FOUND',
        message: `No tool named "${name}" (tools: ${[...tools.keys()].join(', ')}).`,
      });
    const parsed = tool.input.safeParse(request.params.arguments ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`);
      return toolError({ code: 'USAGE', message: `Invalid arguments for ${name}: ${problems.join('; ')}.` });
    }
    const started = Date.now();
    try {
      const env: ToolEnv = { context: await context(), actor, logger, session };
      const { structured, text } = await tool.run(parsed.data, env, extra);
      // What goes out matches the advertised output schema (clients validate it): unknown fields are dropped here.
      const checked = tool.output.safeParse(structured);
      if (!checked.success) throw new BugError(`${name} produced output outside its schema: ${checked.error.message}`);
      logger.info({ tool: name, ms: Date.now() - started }, 'MCP tool call');
      return {
        content: [{ type: 'text', text: text ?? JSON.stringify(checked.data) }],
        structuredContent: checked.data as Record<string, unknown>,
      };
    } catch (error) {
      const info = errorInfo(error, logger, name);
      logger.info({ tool: name, code: info.code, ms: Date.now() - started }, 'MCP tool call failed');
      return toolError(info);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await resources.list() }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      return await resources.read(request.params.uri);
    } catch (error) {
      if (error instanceof McpError) throw error;
      const info = errorInfo(error, logger, 'resources/read');
      throw new McpError(info.code === 'NOT_FOUND' ? -32002 : ErrorCode.InternalError, `${info.code}: ${info.message}`);
    }
  });
  return server;
}

function instructions(config: SleuthConfig): string {
  const { connections, defaultConnection } = config;
  const names = connections.map((c) => `${c.name} (${c.dialect}${c.name === defaultConnection ? ', default' : ''})`);
  return [
    'Sleuth is a data analyst over read-only SQL. Use `investigate` for business questions (it plans, runs guarded',
    'SQL and answers with evidence and caveats; progress is reported), `ask_faq` for an instant answer from verified',
    'queries, `run_sql` for one read-only statement, `get_schema` or the sleuth://schema/... resources for tables and',
    'columns, and `search_knowledge` for verified queries, the glossary and table notes. Writes are always refused.',
    `Connections: ${names.join(', ')}.`,
  ].join(' ');
}

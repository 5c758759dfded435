import { z } from 'zod';
import { isSleuthError } from '../../common/errors.js';
import { NOOP_TRACER } from '../../telemetry/index.js';
import type { FinalAnswer } from '../events.js';
import type { ModelContent, ModelToolSpec } from '../models/types.js';
import { dataBlock } from '../privacy.js';
import { INVESTIGATION_TOOLS, type InvestigationState, type ToolDefinition, type ToolOutcome } from '../tools/index.js';
import type { LoopInput } from './loop.js';

type ToolUse = Extract<ModelContent, { type: 'tool_use' }>;
type ToolResult = Extract<ModelContent, { type: 'tool_result' }>;

const TOOLS_BY_NAME = new Map<string, ToolDefinition<unknown>>(
  INVESTIGATION_TOOLS.map((tool) => [tool.name, tool as unknown as ToolDefinition<unknown>]),
);

let cachedSpecs: ModelToolSpec[] | undefined;

/** The tool list as the model sees it: names, descriptions and JSON Schemas generated from the zod inputs. */
export function toolSpecs(): ModelToolSpec[] {
  cachedSpecs ??= INVESTIGATION_TOOLS.map((tool) => {
    const schema = z.toJSONSchema(tool.input as z.ZodType, { io: 'input' }) as Record<string, unknown>;
    delete schema.$schema;
    return { name: tool.name, description: tool.description, inputSchema: schema };
  });
  return cachedSpecs;
}

/**
 * Runs one turn's tool calls concurrently (bounded by the connection's limiter), `finish` last. Bad arguments and
 * unknown tools go back to the model as tool errors, never crash the loop.
 */
export async function runToolCalls(
  calls: ToolUse[],
  input: LoopInput,
  state: InvestigationState,
): Promise<{ results: ToolResult[]; finish?: FinalAnswer }> {
  const ordinary = calls.filter((c) => c.name !== 'finish');
  const finishing = calls.filter((c) => c.name === 'finish');
  const outcomes = await Promise.all(
    ordinary.map((call) => input.target.limiter.run(() => runOne(call, input, state))),
  );
  const results: ToolResult[] = outcomes.map((o) => o.result);
  for (const call of finishing) {
    const outcome = await runOne(call, input, state);
    if (outcome.finish) return { results, finish: outcome.finish };
    results.push(outcome.result);
  }
  return { results };
}

async function runOne(
  call: ToolUse,
  input: LoopInput,
  state: InvestigationState,
): Promise<{ result: ToolResult; finish?: FinalAnswer }> {
  const tracer = input.deps.tracer ?? NOOP_TRACER;
  const attributes = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': call.name,
    'gen_ai.tool.call.id': call.id,
  };
  const outcome = await tracer.span('sleuth.tool', attributes, async (span) => {
    const ran = await execute(call, input, state);
    span.setAttributes({ 'sleuth.tool.error': ran.isError === true });
    return ran;
  });
  // nothing reaches the model with a secret in it (tool output carries database text and error messages)
  const result: ToolResult = { type: 'tool_result', toolUseId: call.id, content: input.redact(outcome.content) };
  if (outcome.isError) result.isError = true;
  return outcome.finish ? { result, finish: outcome.finish } : { result };
}

async function execute(call: ToolUse, input: LoopInput, state: InvestigationState): Promise<ToolOutcome> {
  const tool = TOOLS_BY_NAME.get(call.name);
  if (!tool) {
    return {
      isError: true,
      content: `Unknown tool "${call.name}". Available: ${[...TOOLS_BY_NAME.keys()].join(', ')}.`,
    };
  }
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    return { isError: true, content: `Invalid arguments for ${call.name}: ${problems}` };
  }
  if (call.name !== 'finish' && call.name !== 'update_plan') {
    await input.emit({ type: 'tool_call', callId: call.id, tool: call.name, summary: tool.summarize(parsed.data) });
  }
  try {
    return await tool.run(parsed.data, {
      callId: call.id,
      connection: input.target.connection,
      source: input.target.source,
      explorer: input.target.explorer,
      knowledge: input.target.knowledge,
      runSql: input.target.runSql,
      emit: input.emit,
      privacy: input.privacy,
      state,
      maxSqlRuns: input.budgets.maxSqlRuns,
    });
  } catch (error) {
    if (!isSleuthError(error)) throw error;
    return { isError: true, content: `${error.code}: ${dataBlock('error', error.message)}` };
  }
}

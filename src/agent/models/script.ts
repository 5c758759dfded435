/**
 * Scripted model turns: the one thing tests and evals script. The same format drives the in-process `scripted`
 * provider and the local Anthropic/OpenAI protocol peers in test/peers.
 *
 * A script is a YAML or JSON list of turns, answered in order, one per model call:
 *   - text: "Let me look at the tables."          # optional assistant text
 *     tool_calls:                                   # optional tool calls (the turn stops with tool_use)
 *       - { name: list_tables, input: {} }
 *     usage: { input_tokens: 1200, output_tokens: 80 }
 *   - fault: { status: 429, retry_after_seconds: 0 }   # peers only: answer this call with an HTTP error
 *   - delay_ms: 3000                                     # peers only: answer slowly (timeouts)
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../common/errors.js';

export const scriptTurnSchema = z
  .object({
    text: z.string().optional(),
    tool_calls: z
      .array(
        z.object({ name: z.string(), input: z.record(z.string(), z.unknown()).default({}), id: z.string().optional() }),
      )
      .optional(),
    stop_reason: z.enum(['end_turn', 'tool_use', 'max_tokens']).optional(),
    usage: z.object({ input_tokens: z.number().int().min(0), output_tokens: z.number().int().min(0) }).optional(),
    fault: z
      .object({
        status: z.number().int().min(400).max(599),
        type: z.string().optional(),
        message: z.string().optional(),
        retry_after_seconds: z.number().min(0).optional(),
      })
      .optional(),
    delay_ms: z.number().int().min(0).optional(),
  })
  .strict();

export type ScriptTurn = z.infer<typeof scriptTurnSchema>;
export const scriptSchema = z.array(scriptTurnSchema);

export function parseScript(text: string, source = 'script'): ScriptTurn[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `${source} is not valid YAML/JSON: ${(error as Error).message}`);
  }
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UserError('CONFIG_INVALID', `${source} is not a valid model script: ${problems}`);
  }
  return parsed.data;
}

export function loadScript(path: string): ScriptTurn[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `Cannot read the model script ${path}: ${(error as Error).message}`);
  }
  return parseScript(text, path);
}

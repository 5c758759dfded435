import { z } from 'zod';
import type { FinalAnswer } from './events.js';

/**
 * The final answer as front ends return it (HTTP API responses, MCP `investigate` output): the zod form of
 * FinalAnswer, one definition for every edge that documents or validates it.
 */
export const finalAnswerSchema = z.object({
  text: z.string(),
  keyNumbers: z.array(z.object({ label: z.string(), value: z.string(), unit: z.string().optional() })),
  evidence: z.array(z.object({ claim: z.string(), sql: z.string(), rowCount: z.number().optional() })),
  caveats: z.array(z.string()),
  followUps: z.array(z.string()),
  partial: z.boolean(),
  chart: z.enum(['line', 'bar', 'scatter', 'none']).optional(),
  chartSpec: z
    .object({ evidence: z.number(), measures: z.array(z.string()), series: z.string().optional() })
    .optional(),
  outcome: z.enum(['answered', 'assumed', 'needs_clarification', 'not_answerable']).optional(),
}) satisfies z.ZodType<FinalAnswer>;

import { z } from 'zod';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({
  steps: z
    .array(
      z.strictObject({
        title: z.string().min(1).max(200),
        status: z.enum(['pending', 'in_progress', 'done', 'skipped']),
      }),
    )
    .min(1)
    .max(10),
});

export const updatePlanTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'update_plan',
  description:
    'Set or revise the investigation plan shown to the user: 2-6 short steps with their status. Call it first, and again when the plan changes.',
  input,
  summarize: () => 'update plan',
  async run(args, context) {
    context.state.planRevision++;
    await context.emit({ type: 'plan', steps: args.steps, revision: context.state.planRevision });
    return { content: 'Plan updated.' };
  },
};

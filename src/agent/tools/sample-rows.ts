import { z } from 'zod';
import { tableScope } from '../privacy.js';
import { summarizeResult } from '../summarize.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({
  table: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(20).default(5),
});

export const sampleRowsTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'sample_rows',
  description: 'Show a few rows of a table to learn how values look (formats, codes, nulls).',
  input,
  summarize: (args) => `sample ${args.table}`,
  async run(args, context) {
    const rows = await context.explorer.sampleRows(args.table, args.limit);
    return { content: summarizeResult(context.privacy.forModel(rows, tableScope(args.table, context.connection))) };
  },
};

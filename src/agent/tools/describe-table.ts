import { z } from 'zod';
import { dataBlock } from '../privacy.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({ table: z.string().min(1).max(200).describe('Table or view name') });

export const describeTableTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'describe_table',
  description:
    'Describe one table: columns with types, nullability and comments, primary key, foreign keys in and out, row estimate.',
  input,
  summarize: (args) => `describe ${args.table}`,
  async run(args, context) {
    return { content: dataBlock('database', JSON.stringify(await context.explorer.describeTable(args.table))) };
  },
};

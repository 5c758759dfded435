import { z } from 'zod';
import { dataBlock, profileForModel } from '../privacy.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({ table: z.string().min(1).max(200), column: z.string().min(1).max(200) });

export const profileColumnTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'profile_column',
  description: 'Profile one column: distinct count, null count, min, max and the most common values.',
  input,
  summarize: (args) => `profile ${args.table}.${args.column}`,
  async run(args, context) {
    const profile = await context.explorer.profileColumn(args.table, args.column);
    return {
      content: dataBlock('database', JSON.stringify(profileForModel(profile, context.privacy, context.connection))),
    };
  },
};

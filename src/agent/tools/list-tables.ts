import { z } from 'zod';
import { dataBlock } from '../privacy.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({
  filter: z.string().max(100).optional().describe('Only tables whose name or comment contains this text'),
});

const MAX_TABLES = 100;

export const listTablesTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'list_tables',
  description:
    'List the tables and views of the database with kind, comment and approximate row count. Use filter on large databases.',
  input,
  summarize: (args) => (args.filter ? `list tables matching "${args.filter}"` : 'list tables'),
  async run(args, context) {
    const tables = await context.explorer.listTables();
    const needle = args.filter?.toLowerCase();
    const matching = needle ? tables.filter((t) => JSON.stringify(t).toLowerCase().includes(needle)) : tables;
    const shown = matching.slice(0, MAX_TABLES);
    const more = matching.length > shown.length ? `\n(${matching.length - shown.length} more: use filter)` : '';
    return {
      content: `${matching.length} tables\n${dataBlock('database', shown.map((t) => JSON.stringify(t)).join('\n'))}${more}`,
    };
  },
};

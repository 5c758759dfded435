import { z } from 'zod';
import { dataBlock } from '../privacy.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({ query: z.string().min(1).max(500) });

export const searchKnowledgeTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'search_knowledge',
  description:
    'Search the knowledge base: verified queries, metric definitions and table notes that match the text. Prefer a verified query when one fits.',
  input,
  summarize: (args) => `search knowledge for "${args.query}"`,
  async run(args, context) {
    const hits = await context.knowledge.search(args.query, { connection: context.connection, limit: 5 });
    if (hits.length === 0) return { content: 'No knowledge entries matched.' };
    return { content: dataBlock('knowledge', hits.map((hit) => JSON.stringify(hit)).join('\n')) };
  },
};

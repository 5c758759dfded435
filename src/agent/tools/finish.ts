import { z } from 'zod';
import { normalizeSql } from '../summarize.js';
import type { ToolDefinition } from './types.js';

const input = z.strictObject({
  answer: z.string().min(1).max(4000).describe('The short answer, in plain language, with the key numbers'),
  key_numbers: z
    .array(
      z.strictObject({ label: z.string().max(200), value: z.string().max(100), unit: z.string().max(40).optional() }),
    )
    .max(10)
    .default([]),
  evidence: z
    .array(z.strictObject({ claim: z.string().max(500), sql: z.string().max(20_000) }))
    .max(10)
    .default([])
    .describe('For each claim, the SQL (already run) that supports it'),
  caveats: z.array(z.string().max(500)).max(10).default([]),
  follow_ups: z.array(z.string().max(300)).max(5).default([]),
  chart: z.enum(['line', 'bar', 'scatter', 'none']).optional(),
  outcome: z
    .enum(['answered', 'assumed', 'needs_clarification', 'not_answerable'])
    .optional()
    .describe(
      'answered (default); assumed: the question was ambiguous and you answered one reading, stated in caveats; needs_clarification: the answer asks the user to choose (say the options); not_answerable: this data cannot answer it (say what is missing)',
    ),
});

export const finishTool: ToolDefinition<z.infer<typeof input>> = {
  name: 'finish',
  description:
    'End the investigation with the answer, key numbers, the SQL that supports each claim (only SQL you ran), caveats and suggested follow-up questions.',
  input,
  summarize: () => 'finish',
  async run(args, context) {
    const ran = new Map(context.state.succeededSql.map((s) => [normalizeSql(s.sql), s.rowCount]));
    const caveats = [...args.caveats];
    const evidence = args.evidence.map((item) => {
      const rowCount = ran.get(normalizeSql(item.sql));
      if (rowCount === undefined) caveats.push(`Not checked by a query in this investigation: ${item.claim}`);
      return rowCount === undefined ? { claim: item.claim, sql: item.sql } : { ...item, rowCount };
    });
    return {
      content: 'Finished.',
      finish: {
        text: args.answer,
        keyNumbers: args.key_numbers,
        evidence,
        caveats,
        followUps: args.follow_ups,
        partial: false,
        ...(args.chart ? { chart: args.chart } : {}),
        ...(args.outcome ? { outcome: args.outcome } : {}),
      },
    };
  },
};

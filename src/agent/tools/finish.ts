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
  chart_measure: z
    .union([z.string().max(200), z.array(z.string().max(200)).min(1).max(8)])
    .optional()
    .describe(
      'The column(s) the chart plots: the measure the answer is about (revenue for "top products by revenue", churn_pct for a churn rate); several columns are plotted as one series each',
    ),
  chart_series: z
    .string()
    .max(200)
    .optional()
    .describe('A column whose values split the measure into series (e.g. channel for "paid social vs the rest")'),
  chart_evidence: z
    .number()
    .int()
    .min(1)
    .max(10)
    .optional()
    .describe('Which evidence item (1-based) is charted; default 1'),
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
    const chartProblem = checkChartArgs(args, context.state.succeededSql);
    if (chartProblem) return { content: chartProblem, isError: true };
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
        ...(args.chart_measure && args.chart !== 'none'
          ? {
              chartSpec: {
                evidence: args.chart_evidence ?? 1,
                measures: typeof args.chart_measure === 'string' ? [args.chart_measure] : args.chart_measure,
                ...(args.chart_series ? { series: args.chart_series } : {}),
              },
            }
          : {}),
        ...(args.outcome ? { outcome: args.outcome } : {}),
      },
    };
  },
};

/**
 * The chart arguments name columns of the charted evidence's result; a wrong name goes back to the model as a typed
 * error (CHART_ARGS_INVALID) listing the columns it can use, and the investigation does not end.
 */
function checkChartArgs(
  args: z.infer<typeof input>,
  ran: readonly { sql: string; columns?: string[] }[],
): string | undefined {
  if (args.chart_measure === undefined && args.chart_series === undefined && args.chart_evidence === undefined) {
    return undefined;
  }
  const index = args.chart_evidence ?? 1;
  const item = args.evidence[index - 1];
  if (!item)
    return `CHART_ARGS_INVALID: chart_evidence ${index} is not an evidence item (there are ${args.evidence.length}). Call finish again.`;
  const columns = ran.find((r) => normalizeSql(r.sql) === normalizeSql(item.sql))?.columns;
  if (!columns) return undefined; // not run here: the caveat says so, and no chart is drawn from it
  const wanted = [
    ...(typeof args.chart_measure === 'string' ? [args.chart_measure] : (args.chart_measure ?? [])),
    ...(args.chart_series ? [args.chart_series] : []),
  ];
  const unknown = wanted.filter((name) => !columns.includes(name));
  if (unknown.length === 0) return undefined;
  return `CHART_ARGS_INVALID: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of evidence ${index} (columns: ${columns.join(', ')}). Call finish again with chart_measure/chart_series naming its columns.`;
}

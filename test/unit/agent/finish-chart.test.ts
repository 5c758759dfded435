/** The finish tool names the chart's measure and series; names that are not columns of the result go back to the model. */
import { describe, expect, it } from 'vitest';
import { finishTool } from '../../../src/agent/tools/finish.js';
import type { ToolContext } from '../../../src/agent/tools/types.js';

const SQL = 'SELECT product, units_sold, revenue FROM top_products';
// finish reads only what ran in this investigation
const context = {
  state: {
    sqlRuns: 1,
    failedSql: new Map(),
    succeededSql: [{ sql: SQL, rowCount: 5, columns: ['product', 'units_sold', 'revenue'] }],
    planRevision: 1,
  },
} as unknown as ToolContext;

const args = (extra: Record<string, unknown>) =>
  finishTool.input.parse({
    answer: 'Smart Widget Pro leads revenue.',
    evidence: [{ claim: 'Top products by revenue', sql: SQL }],
    chart: 'bar',
    ...extra,
  });

describe('finish: chart measure and series', () => {
  it('carries the named measure into the answer', async () => {
    const outcome = await finishTool.run(args({ chart_measure: 'revenue' }), context);
    expect(outcome.isError).toBeUndefined();
    expect(outcome.finish?.chartSpec).toEqual({ evidence: 1, measures: ['revenue'] });
    const several = await finishTool.run(args({ chart_measure: ['revenue', 'units_sold'] }), context);
    expect(several.finish?.chartSpec?.measures).toEqual(['revenue', 'units_sold']);
  });

  it('returns a typed error listing the columns when a name is not a column, and does not finish', async () => {
    const outcome = await finishTool.run(args({ chart_measure: 'sales', chart_series: 'region' }), context);
    expect(outcome.isError).toBe(true);
    expect(outcome.finish).toBeUndefined();
    expect(outcome.content).toMatch(/^CHART_ARGS_INVALID: "sales", "region" are not columns of evidence 1/);
    expect(outcome.content).toContain('columns: product, units_sold, revenue');
    const missing = await finishTool.run(args({ chart_measure: 'revenue', chart_evidence: 3 }), context);
    expect(missing).toMatchObject({ isError: true });
    expect(missing.content).toMatch(/chart_evidence 3 is not an evidence item/);
  });

  it('rejects malformed chart arguments at the schema (the loop sends those back as tool errors too)', () => {
    expect(finishTool.input.safeParse({ answer: 'x', chart_measure: [] }).success).toBe(false);
    expect(finishTool.input.safeParse({ answer: 'x', chart_evidence: 0 }).success).toBe(false);
  });
});

/**
 * Issue 14 acceptance: in a scratch copy of the repository, the gate's verified-query result tests (`eval:ci --only
 * kb`) pass as committed, and go red with a readable line once `revenue_total` counts cancelled orders too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvalScratch, type EvalScratch } from '../../helpers/eval-scratch.js';

let scratch: EvalScratch | undefined;

beforeAll(() => {
  scratch = createEvalScratch('sleuth-kb-gate-');
});
afterAll(() => scratch?.remove());

const gate = () => (scratch as EvalScratch).gate(['--only', 'kb']);

it('passes as committed and fails when revenue_total starts counting cancelled orders', async () => {
  const clean = await gate();
  expect(clean.out).toMatch(/kb: \d+ result tests of 48 verified queries/);
  expect(clean.out).toMatch(/ok {3}kb\.result_tests 1\.000 >= 1\.000/);
  expect(clean.code).toBe(0);

  const restore = (scratch as EvalScratch).edit('knowledge/verified/revenue_total.yaml', (t) =>
    t.replace("WHERE status = 'completed'", "WHERE status IN ('completed', 'cancelled')"),
  );
  try {
    const broken = await gate();
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /FAIL kb\.result_tests 0\.\d{3} < 1\.000 \(1 verified-query result tests failed: revenue_total october 2026 \[demo @ 2026-11-15\]: row 1 revenue: got [\d.]+, expected 756505\.95; row 1 completed_orders: got 1427, expected 1363\./,
    );
    expect(broken.out).toMatch(/eval:ci FAILED: kb\.result_tests/);
  } finally {
    restore();
  }
}, 240_000);

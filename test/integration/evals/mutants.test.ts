/**
 * The mutant suite proves the scorer's sensitivity: with every rule on, each mutant's mistakes are caught; with a rule
 * switched off (the result comparison, the behaviour check, the number grounding) the mutants that rule catches
 * escape and the gate goes red on them.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { evaluateGate } from '../../../evals/gate.js';
import { loadGoldenDataset } from '../../../evals/golden/dataset.js';
import { runMutantSuite } from '../../../evals/mutants/suite.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dataset = loadGoldenDataset(join(ROOT, 'datasets', 'golden', 'demo.yaml'));
// a slice of every category keeps the test fast; npm run eval:ci runs all 173 cases
const ids = [...new Set(dataset.cases.map((c) => c.category))].flatMap((category) =>
  dataset.cases
    .filter((c) => c.category === category)
    .slice(0, 3)
    .map((c) => c.id),
);
const mutants = ['drop_filter', 'wrong_aggregate', 'made_up_number', 'answers_ambiguous'] as const;
const thresholds = Object.fromEntries(mutants.map((m) => [`mutants.${m}.caught`, 0.95]));
const scoresOf = (reports: Awaited<ReturnType<typeof runMutantSuite>>) =>
  Object.fromEntries(reports.map((m) => [`mutants.${m.name}.caught`, m.share]));

it('catches every mutant with all rules on, and goes red when a rule is off', async () => {
  const all = await runMutantSuite(ROOT, { ids, mutants });
  for (const m of all) expect(m.applicable, m.name).toBeGreaterThan(0);
  expect(evaluateGate(scoresOf(all), thresholds)).toMatchObject({ passed: true });

  const noComparator = await runMutantSuite(ROOT, { ids, mutants, disabledRules: ['comparator'] });
  const red = evaluateGate(scoresOf(noComparator), thresholds);
  expect(red.passed).toBe(false);
  expect(red.failures.join('\n')).toMatch(/mutants\.drop_filter\.caught 0\.\d{3} < 0\.950/);
  expect(red.failures.join('\n')).toMatch(/mutants\.wrong_aggregate\.caught 0\.\d{3} < 0\.950/);

  const noChecks = await runMutantSuite(ROOT, {
    ids,
    mutants: ['made_up_number', 'answers_ambiguous'],
    disabledRules: ['grounding', 'behaviour'],
  });
  expect(noChecks.map((m) => [m.name, m.share < 0.95])).toEqual([
    ['made_up_number', true],
    ['answers_ambiguous', true],
  ]);
}, 600_000);

/**
 * `npm run eval:ci`: the offline eval gate. Runs the guard suite (fixtures, per dialect) and the FAQ routing suite
 * (demo database, deterministic), scores them against evals/thresholds.json, prints one line per score and exits 1
 * with the failing lines when any score drops below its threshold. Writes evals/results/ci-latest.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqlGuard } from '../src/sql/index.js';
import { evaluateGate } from './gate.js';
import { runFaqRoutingSuite } from './suites/faq-routing.js';
import { runGuardSuite } from './suites/guard.js';

const root = join(import.meta.dirname, '..');
const thresholds = JSON.parse(readFileSync(join(import.meta.dirname, 'thresholds.json'), 'utf8')) as Record<
  string,
  number
>;

const guard = runGuardSuite(await createSqlGuard(), join(root, 'test', 'fixtures', 'sql'));
const faq = await runFaqRoutingSuite(root);
const scores = {
  'guard.attack_refusal': guard.attacksRefused / guard.attacks,
  'guard.expected_codes': guard.attacksWithExpectedCode / guard.attacks,
  'guard.legit_allowed': guard.legitAllowed / guard.legit,
  'faq.precision': faq.precision,
  'faq.recall': faq.recall,
  'faq.parameter_accuracy': faq.parameterAccuracy,
  'faq.ask_back_accuracy': faq.askBackAccuracy,
  'schema.recall_at_5': faq.schemaRetrieval['recall@5'] ?? Number.NaN,
};
const gate = evaluateGate(scores, thresholds, {
  'guard.attack_refusal': `the guard let ${guard.attacks - guard.attacksRefused} attacks through`,
  'guard.legit_allowed': `${guard.legit - guard.legitAllowed} legitimate queries refused`,
  'faq.precision': 'the FAQ tier answered questions with the wrong verified query',
});
console.log(`eval:ci (guard: ${guard.attacks} attacks, ${guard.legit} legit; FAQ: ${faq.questions} questions)`);
for (const line of gate.lines) console.log(`  ${line}`);
if (!gate.passed) {
  for (const failure of guard.failures.slice(0, 20)) console.log(`    ${failure}`);
  console.log(`\neval:ci FAILED: ${gate.failures.join('; ')}`);
  process.exitCode = 1;
}
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', 'ci-latest.json'),
  `${JSON.stringify({ scores, thresholds, passed: gate.passed, failures: gate.failures }, null, 2)}\n`,
);

/**
 * `npm run eval:ci [-- --only guard,comparator,faq,kb,agent,pii,mutants] [--limit N]`: the offline eval gate. Runs
 * the guard suite (fixtures, per dialect), the comparator self-check (Spider/BIRD edge cases), the FAQ routing suite
 * (demo database, deterministic; the tuning part and the frozen test part, answers checked by their rows), the
 * verified queries' result tests (`sleuth kb test`, demo data at their pinned dates), the replayed-agent suite (golden
 * cases through ask() with recorded model turns), the PII detector suite (generated labelled set, seed 42) and the
 * mutant suite (evals/mutants: per kind of mistake, the share the scorer catches), scores them against
 * evals/thresholds.json, prints one line per score and exits 1 with the failing lines when any score drops below its
 * threshold. Writes evals/results/ci-latest.json. `--limit N` replays only the first N golden cases (quick local
 * checks; CI replays all).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSqlGuard } from '../src/sql/index.js';
import { evaluateGate } from './gate.js';
import { runMutantSuite } from './mutants/suite.js';
import { RECORD_COMMAND, runAgentReplaySuite } from './suites/agent-replay.js';
import { runComparatorSuite } from './suites/comparator.js';
import { runFaqRoutingSuite } from './suites/faq-routing.js';
import { runGuardSuite } from './suites/guard.js';
import { runKbTestSuite } from './suites/kb-tests.js';
import { runPiiSuite } from './suites/pii.js';

const SUITES = ['guard', 'comparator', 'faq', 'kb', 'agent', 'pii', 'mutants'] as const;
const { values } = parseArgs({ options: { only: { type: 'string' }, limit: { type: 'string' } }, strict: true });
const only = new Set((values.only ?? SUITES.join(',')).split(',').map((s) => s.trim()));
for (const name of only) {
  if (!SUITES.includes(name as never)) {
    console.error(`eval:ci: unknown suite "${name}"; available: ${SUITES.join(', ')}`);
    process.exit(2);
  }
}

const root = join(import.meta.dirname, '..');
function limitedIds(n: number): string[] {
  const text = readFileSync(join(root, 'datasets', 'golden', 'demo.yaml'), 'utf8');
  return [...text.matchAll(/^ {2}- id: (\w+)$/gm)].slice(0, n).map((m) => m[1] ?? '');
}
const allThresholds = JSON.parse(readFileSync(join(import.meta.dirname, 'thresholds.json'), 'utf8')) as Record<
  string,
  number
>;
const prefixes: Record<string, string[]> = {
  guard: ['guard.'],
  comparator: ['comparator.'],
  faq: ['faq.', 'schema.'],
  kb: ['kb.'],
  agent: ['agent.'],
  pii: ['pii.'],
  mutants: ['mutants.'],
};
const thresholds = Object.fromEntries(
  Object.entries(allThresholds).filter(([name]) =>
    [...only].some((suite) => prefixes[suite]?.some((p) => name.startsWith(p))),
  ),
);

const scores: Record<string, number> = {};
const hints: Record<string, string> = {};
const heading: string[] = [];
const details: string[] = [];

if (only.has('guard')) {
  const guard = runGuardSuite(await createSqlGuard(), join(root, 'test', 'fixtures', 'sql'));
  scores['guard.attack_refusal'] = guard.attacksRefused / guard.attacks;
  scores['guard.expected_codes'] = guard.attacksWithExpectedCode / guard.attacks;
  scores['guard.legit_allowed'] = guard.legitAllowed / guard.legit;
  hints['guard.attack_refusal'] = `the guard let ${guard.attacks - guard.attacksRefused} attacks through`;
  hints['guard.legit_allowed'] = `${guard.legit - guard.legitAllowed} legitimate queries refused`;
  heading.push(`guard: ${guard.attacks} attacks, ${guard.legit} legit`);
  details.push(...guard.failures.slice(0, 20));
}
if (only.has('comparator')) {
  const comparator = runComparatorSuite();
  scores['comparator.rule_agreement'] = comparator.agreed / comparator.checks;
  hints['comparator.rule_agreement'] =
    `${comparator.checks - comparator.agreed} edge cases scored against the Spider/BIRD rules`;
  heading.push(`comparator: ${comparator.checks} edge-case checks`);
  details.push(...comparator.failures.slice(0, 20));
}
if (only.has('faq')) {
  const faq = await runFaqRoutingSuite(root);
  scores['faq.precision'] = faq.precision;
  scores['faq.recall'] = faq.recall;
  scores['faq.parameter_accuracy'] = faq.parameterAccuracy;
  scores['faq.ask_back_accuracy'] = faq.askBackAccuracy;
  scores['schema.recall_at_5'] = faq.schemaRetrieval['recall@5'] ?? Number.NaN;
  hints['faq.precision'] =
    `${faq.tuning.answered - faq.tuning.answeredRight} of ${faq.tuning.answered} tuning instant answers had the wrong verified query or wrong rows`;
  // The frozen test part (datasets/faq-frozen-test.yaml): measured, never tuned on; answers checked by their rows.
  const frozen = faq.frozen;
  scores['faq.frozen.precision'] = frozen.precision;
  scores['faq.frozen.recall'] = frozen.recall;
  scores['faq.frozen.lookalikes_kept_away'] = frozen.lookalikesKeptAway;
  hints['faq.frozen.precision'] =
    `${frozen.answered - frozen.answeredRight} of ${frozen.answered} frozen instant answers were wrong, ${frozen.rowMismatches} of them the right query with wrong rows; npm run eval:faq -- --verbose`;
  hints['faq.frozen.recall'] =
    `${frozen.positives - Math.round(frozen.recall * frozen.positives)} of ${frozen.positives} frozen positives not answered right`;
  hints['faq.frozen.lookalikes_kept_away'] =
    `${frozen.lookalikes - Math.round(frozen.lookalikesKeptAway * frozen.lookalikes)} of ${frozen.lookalikes} frozen look-alikes answered instantly`;
  heading.push(
    `FAQ: ${faq.questions} tuning questions, frozen ${frozen.positives} positives / ${frozen.lookalikes} look-alikes / ${frozen.askBackCases} ask-backs`,
  );
  details.push(...frozen.problems.filter((p) => !p.startsWith('PARAMS')).slice(0, 20));
}
if (only.has('kb')) {
  const kbTests = await runKbTestSuite(root);
  scores['kb.result_tests'] = kbTests.tests === 0 ? Number.NaN : kbTests.passed / kbTests.tests;
  hints['kb.result_tests'] =
    `${kbTests.tests - kbTests.passed} verified-query result tests failed: ${kbTests.failures.slice(0, 3).join(' | ')}. If the change is intended, update the query's tests: block (sleuth kb test <name> --actual) and review the diff`;
  heading.push(`kb: ${kbTests.tests} result tests of ${kbTests.queries} verified queries`);
  details.push(...kbTests.failures.slice(0, 20));
}
if (only.has('agent')) {
  const agent = await runAgentReplaySuite(root, { limit: values.limit ? Number(values.limit) : undefined });
  const { summary } = agent;
  scores['agent.replay_coverage'] = 1 - summary.cassetteMisses / summary.cases;
  scores['agent.execution_accuracy'] = summary.executionAccuracy;
  scores['agent.behaviour_accuracy'] = summary.behaviourAccuracy;
  scores['agent.fact_recall'] = summary.factRecall;
  scores['agent.answer_grounding'] = 1 - (summary.ungroundedAnswers ?? 0) / Math.max(1, summary.cases);
  hints['agent.answer_grounding'] = `${summary.ungroundedAnswers ?? 0} answers state a number no query produced`;
  // ask() route: an instant (FAQ) answer must be right, and never given to an ambiguous/unanswerable question
  const instant = summary.faqInstant ?? { answers: 0, correct: 0, onBehaviourCases: 0 };
  scores['agent.faq_instant_accuracy'] = instant.answers === 0 ? 1 : instant.correct / instant.answers;
  scores['agent.faq_instant_abstention'] = 1 - instant.onBehaviourCases / Math.max(1, summary.behaviourCases);
  hints['agent.faq_instant_accuracy'] =
    `${instant.answers - instant.correct} of ${instant.answers} FAQ instant answers differ from the golden result`;
  hints['agent.faq_instant_abstention'] =
    `the FAQ tier answered ${instant.onBehaviourCases} ambiguous/unanswerable golden questions instantly`;
  hints['agent.replay_coverage'] =
    `${summary.cassetteMisses} of ${summary.cases} golden cases missed their recorded model turns: ${agent.missReasons.slice(0, 3).join('; ')}. If the prompt or tool change is intended, re-record with \`${RECORD_COMMAND}\` and review the diff`;
  const wrong = agent.results.filter((r) => !r.match && !r.cassetteMiss);
  const notReplayed =
    summary.cassetteMisses > 0 ? `, ${summary.cassetteMisses} were not replayed (cassette misses)` : '';
  hints['agent.execution_accuracy'] =
    `${wrong.filter((r) => r.kind === 'sql').length} replayed cases gave a different result${notReplayed}`;
  hints['agent.behaviour_accuracy'] =
    `${wrong.filter((r) => r.kind === 'behaviour').length} ambiguous/unanswerable cases mishandled${notReplayed}`;
  const tiers = Object.entries(summary.byTier ?? {}).map(([t, v]) => `${t} ${v.cases}`);
  heading.push(`agent: ${summary.cases} golden cases via ask() (${tiers.join(', ')}), prompt ${summary.promptVersion}`);
  details.push(...wrong.slice(0, 20).map((r) => `${r.id} [${r.tier}]: ${r.rule}: ${r.reason.slice(0, 200)}`));
}

if (only.has('pii')) {
  const pii = runPiiSuite({ seed: 42, perKind: 200 });
  for (const [kind, score] of Object.entries(pii.kinds)) {
    scores[`pii.${kind}.precision`] = score.precision;
    scores[`pii.${kind}.recall`] = score.recall;
    hints[`pii.${kind}.precision`] = `${score.fp} false ${kind} detections (npm run eval:pii -- --verbose)`;
    hints[`pii.${kind}.recall`] = `${score.fn} ${kind} values missed (npm run eval:pii -- --verbose)`;
  }
  scores['pii.column_names.precision'] = pii.columnNames.precision;
  scores['pii.column_names.recall'] = pii.columnNames.recall;
  heading.push(`PII: ${pii.items} generated items`);
  details.push(...pii.mistakes.slice(0, 20));
}

if (only.has('mutants')) {
  // each mutant model makes one kind of mistake on every golden case it applies to; the scorer must catch >= 95%
  const mutants = await runMutantSuite(root, { ids: values.limit ? limitedIds(Number(values.limit)) : undefined });
  for (const m of mutants) {
    scores[`mutants.${m.name}.caught`] = m.share;
    hints[`mutants.${m.name}.caught`] =
      `the scorer missed ${m.escaped.length} of ${m.applicable} "${m.mistake}" mistakes: ${m.escaped.slice(0, 5).join(', ')}`;
  }
  const table = mutants.map((m) => `${m.name} ${m.caught}/${m.applicable} (${m.notApplicable} n/a)`);
  heading.push(`mutants: ${table.join(', ')}`);
}

const gate = evaluateGate(scores, thresholds, hints);
console.log(`eval:ci (${heading.join('; ')})`);
for (const line of gate.lines) console.log(`  ${line}`);
if (!gate.passed) {
  for (const detail of details) console.log(`    ${detail}`);
  console.log(`\neval:ci FAILED: ${gate.failures.join('; ')}`);
  process.exitCode = 1;
}
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', 'ci-latest.json'),
  `${JSON.stringify({ suites: [...only], scores, thresholds, passed: gate.passed, failures: gate.failures }, null, 2)}\n`,
);

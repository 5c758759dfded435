/**
 * FAQ-tier eval (offline, deterministic) over the demo database: the FROZEN test part (datasets/faq-frozen-test.yaml,
 * never tuned on) first, then the tuning part (datasets/faq-routing.yaml) separately, each with precision of instant
 * answers (right verified query AND right rows), recall on positives, look-alikes kept away, ask-back accuracy,
 * parameter accuracy and latency; then recall@k of schema retrieval. Exit code 1 when the frozen part misses the
 * acceptance bar (precision >= 0.98, recall >= 0.85, look-alikes kept away >= 0.98).
 *
 *   npm run eval:faq                 summary (and the problems of each part when there are few)
 *   npm run eval:faq -- --verbose    every miss, wrong answer, row mismatch and false answer
 *   npm run eval:faq -- --json       machine-readable report
 *   npm run eval:faq -- --set datasets/faq-holdout-2.yaml
 *                                    only that question set (same format, scoring and bar as the frozen part), e.g. a
 *                                    further held-out set; combines with --verbose and --json
 */
import { join } from 'node:path';
import { runFaqRoutingSuite, runFaqSetFile } from './suites/faq-routing.js';
import type { FaqSetReport } from './suites/faq-sets.js';

export const FROZEN_BAR = { precision: 0.98, recall: 0.85, lookalikesKeptAway: 0.98 } as const;

const root = join(import.meta.dirname, '..');
const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');
const setFile = optionValue(process.argv.slice(2), '--set');

function print(title: string, r: FaqSetReport): void {
  console.log(
    `${title} (${r.file}): ${r.questions} questions: ${r.positives} positives, ${r.lookalikes} look-alikes, ${r.askBackCases} ask-back cases, ${r.variants} Slack-style/misspelled`,
  );
  console.log(
    `  precision ${r.precision.toFixed(3)} (${r.answeredRight}/${r.answered} instant answers right, rows checked; ${r.rowMismatches} right query with wrong rows)`,
  );
  console.log(
    `  recall ${r.recall.toFixed(3)} on positives (Slack-style/misspelled positives: ${r.variantRecall.toFixed(3)})`,
  );
  console.log(`  look-alikes kept away ${r.lookalikesKeptAway.toFixed(3)} (${r.lookalikesHeld})`);
  console.log(
    `  ask-back accuracy ${r.askBackAccuracy.toFixed(3)} (${r.askBackCases} cases)  parameter accuracy ${r.parameterAccuracy.toFixed(3)} (${r.parameterCases} cases)`,
  );
  console.log(
    `  latency question -> rows: p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms`,
  );
  if (verbose || r.problems.length <= 40) for (const p of r.problems) console.log(`    ${p}`);
  else console.log(`    ${r.problems.length} problems (--verbose lists them)`);
}

function belowBar(r: FaqSetReport): boolean {
  return (
    r.precision < FROZEN_BAR.precision ||
    r.recall < FROZEN_BAR.recall ||
    r.lookalikesKeptAway < FROZEN_BAR.lookalikesKeptAway
  );
}

/** `--name value` or `--name=value`; undefined when absent; exits with a usage line when the value is missing. */
function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (arg === name) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) {
        console.error(`usage: npm run eval:faq -- ${name} <question set file, e.g. datasets/faq-holdout-2.yaml>`);
        process.exit(2);
      }
      return value;
    }
  }
  return undefined;
}

if (setFile !== undefined) {
  const r = await runFaqSetFile(root, setFile);
  if (asJson) console.log(JSON.stringify(r, null, 2));
  else print('Question set', r);
  if (belowBar(r)) process.exitCode = 1;
} else {
  await runAll();
}

async function runAll(): Promise<void> {
  const report = await runFaqRoutingSuite(root);
  if (asJson) console.log(JSON.stringify(report, null, 2));
  else {
    print('FROZEN test part', report.frozen);
    print('Tuning part', report.tuning);
    console.log(`Embeddings ${report.embeddings}`);
    console.log(
      `Schema retrieval over ${report.schemaRetrieval.questions} questions: ${Object.entries(report.schemaRetrieval)
        .filter(([k]) => k.startsWith('recall'))
        .map(([k, v]) => `${k} ${v}`)
        .join('  ')}`,
    );
  }
  if (belowBar(report.frozen)) process.exitCode = 1;
}

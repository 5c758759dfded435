/**
 * FAQ-tier routing eval (offline, deterministic): precision, recall, ask-back and parameter-extraction accuracy and
 * latency over datasets/faq-routing.yaml, then recall@k of schema retrieval. Exit code 1 when precision < 0.98 or
 * recall < 0.85.
 *
 *   npm run eval:faq                 summary
 *   npm run eval:faq -- --verbose    every miss and wrong answer
 *   npm run eval:faq -- --json       machine-readable report
 */
import { join } from 'node:path';
import { runFaqRoutingSuite } from './suites/faq-routing.js';

const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');
const report = await runFaqRoutingSuite(join(import.meta.dirname, '..'));
const { problems } = report;

if (asJson) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `FAQ routing over ${report.questions} questions (${report.positives} must match, ${report.negatives} must not):`,
  );
  console.log(`  precision ${report.precision}  recall ${report.recall}  negatives held ${report.negativesHeld}`);
  console.log(
    `  parameter accuracy ${report.parameterAccuracy} (${report.parameterCases} cases)  ask-back accuracy ${report.askBackAccuracy} (${report.askBackCases} cases)`,
  );
  console.log(
    `  latency question -> rows: p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms; embeddings ${report.embeddings}`,
  );
  console.log(
    `Schema retrieval over ${report.schemaRetrieval.questions} questions: ${Object.entries(report.schemaRetrieval)
      .filter(([k]) => k.startsWith('recall'))
      .map(([k, v]) => `${k} ${v}`)
      .join('  ')}`,
  );
  if (verbose || problems.length <= 40) for (const p of problems) console.log(`  ${p}`);
}
if (report.precision < 0.98 || report.recall < 0.85) process.exitCode = 1;

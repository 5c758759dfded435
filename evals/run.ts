/**
 * `npm run eval -- --suite golden [--provider scripted|replay|anthropic|openai-compatible] [--dialect D --db URL]
 *  [--route ask|investigate] [--record] [--cassettes DIR] [--concurrency N] [--limit N] [--case ID...] [--trials N]
 *  [--baseline FILE] [--save-baseline]`
 *
 * Runs the engine on each case of datasets/golden/demo.yaml and scores execution accuracy, answer facts and
 * ambiguous/unanswerable behaviour, with steps, tokens, cost and latency. Writes evals/results/<run>.json and .md.
 * With a baseline, compares question by question (evals/golden/baseline.ts) and exits 1 when significantly worse.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SystemPromptTemplate } from '../src/agent/index.js';
import { createModelProvider } from '../src/agent/models/from-config.js';
import { loadConfig } from '../src/config/index.js';
import { isSqlDialect } from '../src/sql/index.js';
import { openAskRoute } from './golden/ask.js';
import { type Baseline, baselineFrom, comparePaired, comparisonMarkdown, passed } from './golden/baseline.js';
import { openGoldenEnvironment } from './golden/environment.js';
import { goldenMarkdown, summarizeGoldenRun } from './golden/report.js';
import { type GoldenCaseResult, type GoldenProviderName, runGoldenCases } from './golden/runner.js';
import { defaultCassetteDir, promptVariant } from './prompt-variant.js';

const HELP = `Usage: npm run eval -- [options]

Runs the golden suite (datasets/golden/demo.yaml) through the engine and scores it.

Options:
  --suite NAME          golden (default; the only suite this runner has: guard and FAQ suites run in npm run eval:ci)
  --provider NAME       scripted (default: offline reference turns that run the gold SQL), replay (recorded
                        cassettes), anthropic (ANTHROPIC_API_KEY), openai-compatible (SLEUTH_LLM_BASE_URL, SLEUTH_MODEL)
  --prompt P            the system prompt: current (default, PROMPT_VERSION), previous, a shipped version
                        (system.v3) or a candidate file (path/to/system.v5.md); recorded in the report and baseline
  --route R             ask (default: each question goes through ask() as a Slack question: FAQ tier first, then
                        the agent; results say which tier answered) | investigate (the agent only)
  --record              write each case's model turns to the cassette folder (any provider)
  --cassettes DIR       cassette folder (default evals/cassettes/golden-<provider>, golden-<provider>@<version> for a
                        prompt other than the current one; replay reads golden-scripted[@<version>] unless given)
  --dialect D           sqlite (default; the demo database is built on demand) | postgres | mariadb (needs --db)
  --db URL              a demo database loaded for the dataset's date, e.g. postgres://localhost/demo
  --concurrency N       cases run at once (default 4)
  --limit N             only the first N cases
  --case ID             only this case (repeatable)
  --trials N            run every case N times (default 1): pass rates per question, variance per trial
  --baseline FILE       compare with this baseline question by question (McNemar exact test); exits 1 when the run
                        is significantly worse (default evals/baselines/<suite>-<provider>.json when present)
  --save-baseline       store this run (per question, per category, overall; model and prompt version) as the
                        baseline
  -h, --help            this help

Examples:
  npm run eval                                        # offline reference run on SQLite
  ANTHROPIC_API_KEY=... npm run eval -- --provider anthropic --record --cassettes evals/cassettes/golden-claude
  npm run eval -- --provider replay --cassettes evals/cassettes/golden-claude
  npm run eval -- --dialect postgres --db postgres://postgres@127.0.0.1/sleuth_demo`;

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: 'golden' },
    provider: { type: 'string', default: 'scripted' },
    route: { type: 'string', default: 'ask' },
    prompt: { type: 'string', default: 'current' },
    record: { type: 'boolean', default: false },
    trials: { type: 'string', default: '1' },
    cassettes: { type: 'string' },
    dialect: { type: 'string' },
    db: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    limit: { type: 'string' },
    case: { type: 'string', multiple: true },
    baseline: { type: 'string' },
    'save-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`eval: ${message}\nRun npm run eval -- --help for the options.`);
  process.exit(2);
}

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.suite !== 'golden') fail(`unknown suite "${values.suite}"; available: golden`);
const providers: GoldenProviderName[] = ['scripted', 'replay', 'anthropic', 'openai-compatible'];
const provider = values.provider as GoldenProviderName;
if (!providers.includes(provider)) fail(`unknown provider "${values.provider}"; use ${providers.join(', ')}`);
if (values.dialect && !isSqlDialect(values.dialect)) fail(`unknown dialect "${values.dialect}"`);
if (values.route !== 'ask' && values.route !== 'investigate')
  fail(`unknown route "${values.route}"; use ask or investigate`);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) fail('--concurrency must be a positive integer');
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1) fail('--trials must be a positive integer');
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) fail('--limit must be a positive integer');

const root = join(import.meta.dirname, '..');
let prompt: SystemPromptTemplate;
try {
  prompt = promptVariant(values.prompt, root);
} catch (error) {
  fail(`--prompt ${values.prompt}: ${(error as Error).message}`);
}
const cassetteDir = values.cassettes ?? defaultCassetteDir(root, provider, prompt.version);
if (provider === 'replay' && values.record)
  fail('--record with --provider replay would copy cassettes onto themselves');
if (provider === 'replay' && !existsSync(cassetteDir)) fail(`no cassette folder at ${cassetteDir}`);

const env = await openGoldenEnvironment({
  root,
  dialect: values.dialect as never,
  dbUrl: values.db,
});
const ask =
  values.route === 'ask'
    ? await openAskRoute({
        root,
        demoPath: env.demoPath ?? fail('--route ask needs the SQLite demo (use --route investigate with --db)'),
        now: env.dataset.now,
        prompt,
      })
    : undefined;
const live =
  provider === 'anthropic' || provider === 'openai-compatible'
    ? loadConfig({ env: { ...process.env, SLEUTH_LLM_PROVIDER: provider }, cwd: root }).model
    : undefined;
const started = performance.now();
const allTrials: GoldenCaseResult[][] = [];
for (let trial = 1; trial <= trials; trial++) {
  allTrials.push(
    await runGoldenCases(
      {
        ...env,
        ask,
        prompt,
        provider,
        liveProvider: live ? () => createModelProvider(live, env.logger) : undefined,
        cassetteDir,
        record: values.record && trial === 1,
      },
      {
        concurrency,
        limit,
        ids: values.case,
        onResult: (r, done, total) => {
          if (done % 20 === 0 || done === total)
            process.stderr.write(`  ${trials > 1 ? `trial ${trial}: ` : ''}${done}/${total} cases\n`);
          if (r.error && !r.cassetteMiss) process.stderr.write(`  ${r.id}: ${r.error}\n`);
        },
      },
    ),
  );
}
const results = allTrials[0] ?? [];
const wallMs = performance.now() - started;
await ask?.close();
await env.close();

const summary = summarizeGoldenRun(results, {
  suite: values.suite,
  provider,
  dialect: env.source.dialect,
  promptVersion: prompt.version,
});
const modelName = live?.model ?? (provider === 'scripted' ? 'reference' : 'recorded');
const candidate = baselineFrom(allTrials, {
  provider,
  model: modelName ?? provider,
  promptVersion: prompt.version,
  dialect: env.source.dialect,
});
const baselinePath = values.baseline ?? join(import.meta.dirname, 'baselines', `${values.suite}-${provider}.json`);
const baseline =
  existsSync(baselinePath) && !values['save-baseline']
    ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as Baseline)
    : undefined;
const comparison = baseline ? comparePaired(baseline, candidate) : undefined;
const trialLine =
  trials > 1
    ? `\nTrials: ${trials}; pass rate per trial ${allTrials.map((t) => (t.filter(passed).length / Math.max(1, t.length)).toFixed(3)).join(', ')}.\n`
    : '';
const markdown = `${goldenMarkdown(summary, results)}${trialLine}${
  baseline && comparison ? `\n${comparisonMarkdown(baseline, candidate, comparison)}` : ''
}`;
const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${values.suite}-${provider}`;
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, `${runId}.json`),
  `${JSON.stringify({ summary, candidate, comparison, wallMs, results }, null, 2)}\n`,
);
writeFileSync(join(resultsDir, `${runId}.md`), markdown);
writeFileSync(join(resultsDir, 'latest.md'), markdown);
console.log(markdown);
console.log(
  `${results.length} cases x ${trials} trial(s) in ${(wallMs / 1000).toFixed(1)} s; wrote evals/results/${runId}.json and .md (and evals/results/latest.md)${values.record ? `; cassettes in ${cassetteDir}` : ''}`,
);
if (values['save-baseline']) {
  mkdirSync(dirname(baselinePath), { recursive: true });
  writeFileSync(baselinePath, `${JSON.stringify(candidate, null, 2)}\n`);
  console.log(`baseline saved to ${baselinePath}`);
} else if (comparison) {
  if (comparison.verdict === 'significantly_worse') {
    console.log(
      `eval: significantly worse than the baseline (p = ${comparison.pValue.toFixed(4)}); now failing: ${comparison.regressed.join(', ')}`,
    );
    process.exitCode = 1;
  } else console.log(`eval: ${comparison.verdict.replace(/_/g, ' ')} (p = ${comparison.pValue.toFixed(4)})`);
}

/**
 * The replayed-agent suite of the CI gate: every golden case runs through ask() as a Slack question (FAQ tier first,
 * then the agent; see evals/golden/ask.ts) and each result says which tier answered; the agent's model turns are
 * served from the recorded cassettes (evals/cassettes/golden-scripted). A changed system prompt, tool description,
 * tool schema or tool-result format changes the requests, so the recorded turns no longer match: that is reported as a
 * cassette miss with what differs, and fails the gate until the cassettes are re-recorded on purpose.
 */
import { join } from 'node:path';
import { PROMPT_VERSION } from '../../src/agent/index.js';
import { openAskRoute } from '../golden/ask.js';
import { openGoldenEnvironment } from '../golden/environment.js';
import { type GoldenSummary, missReasons, summarizeGoldenRun } from '../golden/report.js';
import { type GoldenCaseResult, runGoldenCases } from '../golden/runner.js';

export interface AgentReplayReport {
  summary: GoldenSummary;
  results: GoldenCaseResult[];
  /** "173 x the system prompt differs from the recording" */
  missReasons: string[];
}

export const RECORD_COMMAND = 'npm run eval -- --provider scripted --record';

export async function runAgentReplaySuite(
  root: string,
  options: { cassetteDir?: string; limit?: number } = {},
): Promise<AgentReplayReport> {
  const env = await openGoldenEnvironment({ root });
  const ask = await openAskRoute({ root, demoPath: env.demoPath ?? '', now: env.dataset.now });
  try {
    const results = await runGoldenCases(
      {
        ...env,
        ask,
        provider: 'replay',
        cassetteDir: options.cassetteDir ?? join(root, 'evals', 'cassettes', 'golden-scripted'),
      },
      { concurrency: 4, limit: options.limit },
    );
    const summary = summarizeGoldenRun(results, {
      suite: 'golden',
      provider: 'replay',
      dialect: env.source.dialect,
      promptVersion: PROMPT_VERSION,
    });
    return { summary, results, missReasons: missReasons(results) };
  } finally {
    await ask.close();
    await env.close();
  }
}

/**
 * `npm run eval -- --provider anthropic` against the local Anthropic peer: a run that matches the baseline exits 0
 * ("no significant change"); a model that is worse on some questions exits 1 and lists the questions that flipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { goldSqlFor, loadGoldenDataset } from '../../../evals/golden/dataset.js';
import type { ScriptTurn } from '../../../src/agent/models/script.js';
import { runTsx } from '../../helpers/eval-scratch.js';
import { startAnthropicPeer } from '../../peers/anthropic-peer.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dataset = loadGoldenDataset(join(ROOT, 'datasets', 'golden', 'demo.yaml'));
// ten SQL questions without answer facts, in dataset order (the order the runner asks them with concurrency 1)
const cases = dataset.cases.filter((c) => goldSqlFor(c, 'sqlite') && !c.facts).slice(0, 10);
const WORSE = cases.slice(0, 7).map((c) => c.id);

function turns(wrong: readonly string[]): ScriptTurn[] {
  return cases.flatMap((c) => {
    const sql = wrong.includes(c.id) ? 'SELECT 0 AS nothing' : (goldSqlFor(c, 'sqlite') ?? '');
    return [
      { tool_calls: [{ name: 'run_sql', input: { sql, purpose: 'answer' } }] },
      { tool_calls: [{ name: 'finish', input: { answer: 'Answer from the query.', outcome: 'answered' } }] },
    ] as ScriptTurn[];
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sleuth-baseline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evalRun(wrong: readonly string[], extra: string[]): Promise<{ code: number | null; out: string }> {
  const peer = await startAnthropicPeer(turns(wrong));
  try {
    const args = ['evals/run.ts', '--provider', 'anthropic', '--route', 'investigate', '--concurrency', '1'];
    for (const c of cases) args.push('--case', c.id);
    return await runTsx(ROOT, [...args, ...extra], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? ROOT,
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: peer.url,
      SLEUTH_MODEL: 'claude-peer',
    });
  } finally {
    await peer.close();
  }
}

it('exits 0 on a run equal to the baseline and 1 with the flipped questions on a worse one', async () => {
  const baselinePath = join(dir, 'golden-anthropic.json');
  const saved = await evalRun([], ['--save-baseline', '--baseline', baselinePath]);
  expect(saved.code).toBe(0);
  const baseline = JSON.parse(readFileSync(baselinePath, 'utf8'));
  expect(baseline).toMatchObject({ provider: 'anthropic', model: 'claude-peer', overall: 1, trials: 1 });
  expect(Object.keys(baseline.questions)).toHaveLength(10);

  const equal = await evalRun([], ['--baseline', baselinePath]);
  expect(equal.out).toContain('eval: no significant change');
  expect(equal.code).toBe(0);

  const worse = await evalRun(WORSE, ['--baseline', baselinePath]);
  expect(worse.out).toContain('SIGNIFICANTLY WORSE than the baseline');
  expect(worse.out).toContain(
    `eval: significantly worse than the baseline (p = 0.0156); now failing: ${[...WORSE].sort().join(', ')}`,
  );
  expect(worse.code).toBe(1);
}, 240_000);

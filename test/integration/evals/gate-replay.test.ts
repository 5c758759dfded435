/**
 * The acceptance check of the eval gate: in a scratch copy of the repository, `eval:ci` passes as committed, and
 * fails with a readable message once the system prompt file or a tool's schema is edited (the recorded model turns
 * no longer match the requests the engine makes), or once the guard's deny list loses an entry.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROMPT_VERSION } from '../../../src/agent/index.js';
import { createEvalScratch, type EvalScratch } from '../../helpers/eval-scratch.js';

let scratch: EvalScratch | undefined;

beforeAll(() => {
  scratch = createEvalScratch('sleuth-gate-');
});
afterAll(() => scratch?.remove());

const gate = (only = 'agent') => (scratch as EvalScratch).gate(['--only', only, '--limit', '3']);
const edit = (path: string, change: (text: string) => string) => (scratch as EvalScratch).edit(path, change);

it('replays as committed, fails on an edited prompt file and on a changed tool schema', async () => {
  const clean = await gate();
  expect(clean.out).toMatch(/ok {3}agent\.replay_coverage 1\.000 >= 1\.000/);
  // Until the FAQ tier answers only questions its verified query fits, the FAQ thresholds are red; every case the
  // gate lists as wrong must then be one the FAQ tier answered (the replayed agent itself is right).
  const wrong = clean.out.split('\n').filter((line) => /^ {4}\w+ \[(faq|agent)\]: /.test(line));
  expect(wrong.filter((line) => line.includes('[agent]'))).toEqual([]);
  if (clean.code !== 0) expect(clean.out).toMatch(/FAIL agent\.faq_instant_(accuracy|abstention)/);

  const restorePrompt = edit(`src/agent/prompts/${PROMPT_VERSION}.md`, (t) =>
    t.replace('You are Sleuth, a careful data analyst.', 'You are Sleuth, a data analyst.'),
  );
  const promptBroken = await gate();
  expect(promptBroken.code).toBe(1);
  // questions the FAQ tier answers never reach the model: only the agent's cases miss
  expect(promptBroken.out).toMatch(
    /FAIL agent\.replay_coverage \d\.\d{3} < 1\.000 \(([1-3]) of 3 golden cases missed their recorded model turns: \1 x the system prompt differs from the recording\./,
  );
  expect(promptBroken.out).toContain('re-record with `npm run eval -- --provider scripted --record`');
  expect(promptBroken.out).toMatch(/eval:ci FAILED: .*agent\.replay_coverage \d\.\d{3} < 1\.000/);
  restorePrompt();

  edit('src/agent/tools/run-sql.ts', (t) => t.replace(/description:\s*'/, "description: 'Changed. "));
  const toolBroken = await gate();
  expect(toolBroken.code).toBe(1);
  expect(toolBroken.out).toMatch(/[1-3] x the tool schemas differ from the recording/);
}, 300_000);

it('fails on a guard that lets a function through, naming how many attacks got through', async () => {
  expect((await gate('guard')).code).toBe(0);
  // pg_sleep off the deny-list and onto the allow-list: both layers broken
  const restoreDeny = edit('src/sql/guard/deny-list.ts', (t) => t.replace("  'pg_sleep',\n", ''));
  const restoreAllow = edit('src/sql/guard/functions.ts', (t) => t.replace("  'abs',\n", "  'abs',\n  'pg_sleep',\n"));
  const broken = await gate('guard');
  restoreAllow();
  restoreDeny();
  expect(broken.code).toBe(1);
  expect(broken.out).toMatch(/FAIL guard\.attack_refusal 0\.9\d\d < 1\.000 \(the guard let \d+ attacks? through\)/);
  expect(broken.out).toMatch(/eval:ci FAILED: .*guard\.attack_refusal/);
}, 120_000);

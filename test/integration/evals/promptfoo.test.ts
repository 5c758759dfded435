/**
 * `npx promptfoo eval -c evals/promptfooconfig.yaml` as a user runs it: the real promptfoo CLI (a dev dependency)
 * loads our provider and assertion files, runs golden cases through the engine (scripted reference model, real
 * guard, executor and SQLite demo database) and grades them. A replay with no recorded turns is an error per case,
 * not a pass.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'sleuth-promptfoo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// one case per kind of assertion: SQL accuracy, answer facts (javascript + regex), clarify, refuse
const CASES = ['sta_total_customers', 'ms_europe_refund_spike', 'amb_growth', 'un_nps'];

interface PromptfooResult {
  success: boolean;
  error?: string | null;
  vars: { case_id: string };
  gradingResult?: { componentResults?: { assertion?: { type: string }; pass: boolean }[] } | null;
}

function promptfoo(
  name: string,
  env: Record<string, string>,
): Promise<{ code: number | null; results: PromptfooResult[] }> {
  const output = join(scratch, `${name}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'promptfoo'),
      ['eval', '-c', 'evals/promptfooconfig.yaml', '--no-progress-bar', '-o', output],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: scratch,
          PROMPTFOO_CONFIG_DIR: join(scratch, `${name}-state`),
          EVAL_CASES: CASES.join(','),
          ...env,
        },
      },
    );
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const parsed = JSON.parse(readFileSync(output, 'utf8')) as { results: { results: PromptfooResult[] } };
        resolve({ code, results: parsed.results.results });
      } catch (error) {
        reject(new Error(`promptfoo wrote no results (exit ${code}): ${(error as Error).message}\n${log}`));
      }
    });
  });
}

it('grades golden cases run through the engine with SQL, fact, regex and behaviour assertions', async () => {
  const { code, results } = await promptfoo('scripted', { EVAL_PROVIDER: 'scripted' });
  expect(results.map((r) => r.vars.case_id).sort()).toEqual([...CASES].sort());
  for (const result of results) expect(result.success, `${result.vars.case_id}: ${result.error}`).toBe(true);
  const types = results.flatMap((r) => r.gradingResult?.componentResults?.map((c) => c.assertion?.type) ?? []);
  expect(new Set(types)).toEqual(new Set(['javascript', 'regex']));
  expect(code).toBe(0);
}, 120_000);

it('reports a replay without recorded turns as errors, never as passes', async () => {
  const { code, results } = await promptfoo('replay', {
    EVAL_PROVIDER: 'replay',
    EVAL_CASSETTES: join(scratch, 'no-cassettes'),
  });
  expect(results).toHaveLength(CASES.length);
  for (const result of results) {
    expect(result.success).toBe(false);
    expect(result.error ?? '').toMatch(/cassette/i);
  }
  expect(code).not.toBe(0);
}, 120_000);

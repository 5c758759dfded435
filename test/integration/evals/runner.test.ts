/**
 * The golden runner end to end on the real engine, guard and executor (SQLite demo): the CLI writes scored reports;
 * recording and replaying gives the same scores; wrong SQL, a fabricated answer and unstated facts are scored as
 * failures, and a missing cassette is a miss, not a pass.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldenCase } from '../../../evals/golden/dataset.js';
import { type GoldenEnvironment, openGoldenEnvironment } from '../../../evals/golden/environment.js';
import { referenceProvider } from '../../../evals/golden/reference.js';
import { summarizeGoldenRun } from '../../../evals/golden/report.js';
import { type GoldenRunDeps, runGoldenCases } from '../../../evals/golden/runner.js';
import { createScriptedProvider, type ModelProvider, PROMPT_VERSION } from '../../../src/agent/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CASES = ['sta_total_customers', 'amb_best_customers', 'un_employee_salaries', 'ms_summer_churn_driver'];

let env: GoldenEnvironment;
let dir: string;
beforeAll(async () => {
  env = await openGoldenEnvironment({ root: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'sleuth-cassettes-'));
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = (overrides: Partial<GoldenRunDeps>): GoldenRunDeps => ({ ...env, provider: 'scripted', ...overrides });

describe('golden runner', () => {
  it('records the reference run and replays it with the same scores and no misses', async () => {
    const recorded = await runGoldenCases(deps({ record: true, cassetteDir: dir }), { ids: CASES });
    expect(recorded.map((r) => [r.id, r.kind, r.match])).toEqual([
      ['amb_best_customers', 'behaviour', true],
      ['ms_summer_churn_driver', 'sql', true],
      ['sta_total_customers', 'sql', true],
      ['un_employee_salaries', 'behaviour', true],
    ]);
    expect(recorded.find((r) => r.id === 'ms_summer_churn_driver')?.facts).toEqual({
      stated: 3,
      total: 3,
      missing: [],
    });
    for (const id of CASES) expect(existsSync(join(dir, `${id}.yaml`))).toBe(true);

    const replayed = await runGoldenCases(deps({ provider: 'replay', cassetteDir: dir }), { ids: CASES });
    expect(replayed.map((r) => [r.id, r.match, r.cassetteMiss])).toEqual(
      recorded.map((r) => [r.id, r.match, undefined]),
    );
    const summary = summarizeGoldenRun(replayed, {
      suite: 'golden',
      provider: 'replay',
      dialect: 'sqlite',
      promptVersion: 'x',
    });
    expect(summary).toMatchObject({
      cases: 4,
      sqlCases: 2,
      executionAccuracy: 1,
      behaviourAccuracy: 1,
      factRecall: 1,
      cassetteMisses: 0,
    });
  });

  it('runs cases with the system prompt it is given: the model sees its text, the run records its version', async () => {
    const candidate = { version: 'system.candidate', text: 'CANDIDATE for {{connection}} on {{today}}.' };
    const seen: string[] = [];
    const capturing = (c: GoldenCase, gold: string | undefined): ModelProvider => {
      const inner = referenceProvider(c, gold);
      return {
        id: inner.id,
        model: inner.model,
        complete(request) {
          seen.push(request.system);
          return inner.complete(request);
        },
      };
    };
    const [result] = await runGoldenCases(deps({ prompt: candidate, modelFor: capturing }), {
      ids: ['sta_total_customers'],
    });
    expect(result).toMatchObject({ id: 'sta_total_customers', match: true, promptVersion: 'system.candidate' });
    const today = env.dataset.now.toISOString().slice(0, 10);
    expect(new Set(seen)).toEqual(new Set([`CANDIDATE for ${env.dataset.database} on ${today}.`]));

    const [current] = await runGoldenCases(deps({}), { ids: ['sta_total_customers'] });
    expect(current?.promptVersion).toBe(PROMPT_VERSION);
    // turns recorded with one prompt never replay for another: the request (system prompt included) differs
    const recorded = join(dir, 'prompt-current');
    await runGoldenCases(deps({ record: true, cassetteDir: recorded }), { ids: ['sta_total_customers'] });
    const [other] = await runGoldenCases(deps({ provider: 'replay', cassetteDir: recorded, prompt: candidate }), {
      ids: ['sta_total_customers'],
    });
    expect(other?.match).toBe(false);
    expect(other?.cassetteMiss).toMatch(/system/i);
  });

  it('reports a case without a recording as a cassette miss', async () => {
    const [result] = await runGoldenCases(deps({ provider: 'replay', cassetteDir: join(dir, 'nothing-here') }), {
      ids: ['sta_total_orders'],
    });
    expect(result).toMatchObject({ match: false, rule: 'cassette_miss' });
    expect(result?.cassetteMiss).toMatch(/the cassette is empty/);
  });

  it('scores a wrong query, a fabricated answer and unstated facts as failures', async () => {
    const badModel = (sql: string, answer: string) => () =>
      createScriptedProvider([
        { tool_calls: [{ name: 'run_sql', input: { sql } }] },
        { tool_calls: [{ name: 'finish', input: { answer, evidence: [{ claim: 'x', sql }] } }] },
      ]);
    const [wrongSql] = await runGoldenCases(
      deps({ provider: 'anthropic', liveProvider: badModel('SELECT COUNT(*) AS n FROM orders', 'There are many.') }),
      { ids: ['sta_total_customers'] },
    );
    expect(wrongSql).toMatchObject({ kind: 'sql', match: false, predictedSql: 'SELECT COUNT(*) AS n FROM orders' });

    const [fabricated] = await runGoldenCases(
      deps({ provider: 'anthropic', liveProvider: badModel('SELECT 42 AS nps', 'Our NPS is 42.') }),
      { ids: ['un_employee_salaries'] },
    );
    expect(fabricated).toMatchObject({ kind: 'behaviour', match: false, behaviour: { observed: 'answered' } });

    const [vague] = await runGoldenCases(
      deps({
        provider: 'anthropic',
        liveProvider: badModel('SELECT COUNT(*) AS cancelled FROM subscriptions', 'Cancellations went up.'),
      }),
      { ids: ['ms_summer_churn_driver'] },
    );
    expect(vague?.match).toBe(false);
    expect(vague?.facts).toMatchObject({ stated: 0, total: 3 });
  });
});

it('npm run eval writes a scored JSON and Markdown report', async () => {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['evals/run.ts', '--suite', 'golden', '--route', 'investigate', '--limit', '6', '--concurrency', '2'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out }));
  });
  expect(code).toBe(0);
  expect(stdout).toMatch(/\| execution accuracy \(6 SQL cases\) \| 100\.0% \|/);
  const written = /wrote (evals\/results\/[^\s]+)\.json/.exec(stdout)?.[1];
  expect(written).toBeDefined();
  const report = JSON.parse(readFileSync(join(ROOT, `${written}.json`), 'utf8'));
  expect(report.results).toHaveLength(6);
  expect(report.summary).toMatchObject({ cases: 6, executionAccuracy: 1, promptVersion: PROMPT_VERSION });
  expect(existsSync(join(ROOT, `${written}.md`))).toBe(true);
}, 120_000);

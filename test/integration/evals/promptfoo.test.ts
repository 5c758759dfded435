/**
 * `npx promptfoo eval -c evals/promptfooconfig.yaml` as a user runs it: the real promptfoo CLI (a dev dependency)
 * loads our provider and assertion files, runs golden cases through the engine (scripted reference model, real
 * guard, executor and SQLite demo database) and grades them, once per prompt version side by side (two provider
 * entries, each with its system prompt). A replay with no recorded turns is an error per case, not a pass.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { goldSqlFor, loadGoldenDataset } from '../../../evals/golden/dataset.js';
import { shippedPromptVersions } from '../../../evals/prompt-variant.js';
import { PROMPT_VERSION, promptTemplate } from '../../../src/agent/index.js';
import type { ScriptTurn } from '../../../src/agent/models/script.js';
import { type RecordedRequest, startAnthropicPeer } from '../../peers/anthropic-peer.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'sleuth-promptfoo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// one case per kind of assertion: SQL accuracy, answer facts (javascript + regex), clarify, refuse
const CASES = ['sta_total_customers', 'ms_europe_refund_spike', 'amb_growth', 'un_nps'];

interface PromptfooResult {
  success: boolean;
  error?: string | null;
  vars: { case_id: string };
  provider: { id: string };
  response?: { metadata?: { promptVersion?: string | null } } | null;
  gradingResult?: {
    componentResults?: { assertion?: { type: string; metric?: string }; pass: boolean; reason?: string }[];
  } | null;
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

/** provider id -> case ids, and each result's prompt version as the investigation recorded it. */
function byColumn(results: PromptfooResult[]): Record<string, string[]> {
  const columns: Record<string, string[]> = {};
  for (const r of results) {
    const version = r.provider.id.split(':').at(-1);
    // the engine ran with the column's prompt: the investigation recorded that version
    expect(r.response?.metadata?.promptVersion, `${r.provider.id} ${r.vars.case_id}`).toBe(version);
    columns[r.provider.id] = [...(columns[r.provider.id] ?? []), r.vars.case_id];
  }
  for (const ids of Object.values(columns)) ids.sort();
  return columns;
}

it('grades golden cases with SQL, fact, regex and behaviour assertions, current and previous prompt side by side', async () => {
  const { code, results } = await promptfoo('scripted', { EVAL_PROVIDER: 'scripted' });
  const previous = shippedPromptVersions()
    .filter((v) => v !== PROMPT_VERSION)
    .at(-1);
  expect(byColumn(results)).toEqual({
    [`sleuth:scripted:${PROMPT_VERSION}`]: [...CASES].sort(),
    [`sleuth:scripted:${previous}`]: [...CASES].sort(),
  });
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
  expect(results).toHaveLength(CASES.length * 2);
  for (const result of results) {
    expect(result.success).toBe(false);
    expect(result.error ?? '').toMatch(/cassette/i);
  }
  expect(code).not.toBe(0);
}, 120_000);

it('compares the prompt versions EVAL_PROMPT_A and EVAL_PROMPT_B name, a candidate file among them', async () => {
  const candidate = join(scratch, 'system.v99.md');
  writeFileSync(candidate, `${promptTemplate().text}\nCandidate rule: state the period an answer covers.\n`);
  const { code, results } = await promptfoo('candidate', {
    EVAL_PROVIDER: 'scripted',
    EVAL_CASES: 'sta_total_customers,un_nps',
    EVAL_PROMPT_A: 'system.v3',
    EVAL_PROMPT_B: candidate,
  });
  expect(byColumn(results)).toEqual({
    'sleuth:scripted:system.v3': ['sta_total_customers', 'un_nps'],
    'sleuth:scripted:system.v99': ['sta_total_customers', 'un_nps'],
  });
  for (const result of results) expect(result.success, `${result.vars.case_id}: ${result.error}`).toBe(true);
  expect(code).toBe(0);
}, 120_000);

// A model (the local Anthropic peer) that follows its system prompt: the candidate's extra line makes it query the wrong
// table. Two SQL questions without facts, story or note (no llm-rubric is added for them even with a key).
const MARKER = 'Candidate rule: answer from the first table you find.';
const dataset = loadGoldenDataset(join(ROOT, 'datasets', 'golden', 'demo.yaml'));
const PEER_CASES = dataset.cases.filter((c) => goldSqlFor(c, 'sqlite') && !c.facts && !c.story && !c.note).slice(0, 2);

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((b: { type?: string; text?: string }) => (b.type === 'text' ? (b.text ?? '') : '')).join('\n')
      : '';

function peerTurn(body: RecordedRequest['body']): ScriptTurn | undefined {
  const last = body.messages.at(-1);
  if (Array.isArray(last?.content) && last.content.some((b: { type?: string }) => b.type === 'tool_result')) {
    return { tool_calls: [{ name: 'finish', input: { answer: 'Answer from the query.', outcome: 'answered' } }] };
  }
  const question = textOf(body.messages[0]?.content);
  const c = PEER_CASES.find((x) => question.includes(x.question));
  if (!c) return undefined;
  // under the candidate prompt it answers each question with the other question's query: rows, but the wrong ones
  const other = PEER_CASES.find((x) => x !== c) ?? c;
  const sql = goldSqlFor(textOf(body.system).includes(MARKER) ? other : c, 'sqlite');
  return { tool_calls: [{ name: 'run_sql', input: { sql, purpose: 'answer' } }] };
}

it('shows a worse prompt as failures in its own column, next to the current prompt passing (live model path)', async () => {
  expect(PEER_CASES).toHaveLength(2);
  const candidate = join(scratch, 'worse.md');
  writeFileSync(candidate, `${promptTemplate().text}\n${MARKER}\n`);
  const peer = await startAnthropicPeer(peerTurn);
  try {
    const { code, results } = await promptfoo('peer', {
      EVAL_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: peer.url,
      SLEUTH_MODEL: 'claude-peer',
      EVAL_CASES: PEER_CASES.map((c) => c.id).join(','),
      EVAL_PROMPT_B: candidate,
    });
    const ids = PEER_CASES.map((c) => c.id).sort();
    expect(byColumn(results)).toEqual({ [`sleuth:anthropic:${PROMPT_VERSION}`]: ids, 'sleuth:anthropic:worse': ids });
    const verdicts = Object.fromEntries(results.map((r) => [`${r.provider.id} ${r.vars.case_id}`, r.success]));
    for (const id of ids) {
      expect(verdicts[`sleuth:anthropic:${PROMPT_VERSION} ${id}`], id).toBe(true);
      expect(verdicts[`sleuth:anthropic:worse ${id}`], id).toBe(false);
    }
    // the failures are the SQL accuracy assertion's (our comparator), not errors
    // the failures are the SQL accuracy assertion's verdict (our comparator on rows that ran), not engine errors
    for (const r of results.filter((x) => !x.success)) {
      const failed = r.gradingResult?.componentResults?.filter((c) => !c.pass) ?? [];
      expect(failed.map((c) => c.assertion?.metric)).toEqual(['sql_accuracy']);
      expect(failed[0]?.reason).toMatch(/predicted vs gold/);
    }
    expect(code).not.toBe(0);
  } finally {
    await peer.close();
  }
}, 120_000);

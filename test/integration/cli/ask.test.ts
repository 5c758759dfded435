import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../../src/memory/index.js';
import { runSleuth } from '../../helpers/cli.js';
import { silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts', 'signups-sqlite.yaml');

describe('sleuth ask / history / show', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-ask-'));

  async function env() {
    return {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: SCRIPT,
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
    };
  }

  it('shows live progress and the answer, records it, lists and replays it', async () => {
    const run = await runSleuth(['ask', 'Which channel drove signups last month?'], { cwd, env: await env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Plan:/);
    expect(run.stdout).toMatch(/SQL \(signups last month by channel\):/);
    expect(run.stdout).toMatch(/✗ SQL_REJECTED/);
    expect(run.stdout).toMatch(/Answer:\n\s+Last month \(October 2026\)/);
    const id = /\(investigation (\S+), session/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();

    const history = await runSleuth(['history', '--format', 'json'], { cwd, env: await env() });
    const rows = JSON.parse(history.stdout);
    expect(rows[0]).toMatchObject({ id, status: 'succeeded' });

    const show = await runSleuth(['show', id!], { cwd, env: await env() });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Question: Which channel drove signups last month\?/);
    expect(show.stdout).toMatch(/Answer:/);

    const rerun = await runSleuth(['rerun', '--format', 'json', id!], { cwd, env: await env() });
    const again = JSON.parse(rerun.stdout);
    expect(again.status).toBe('succeeded');
    expect(again.investigationId).not.toBe(id);
    const latest = JSON.parse(
      (await runSleuth(['history', '--format', 'json', '--limit', '1'], { cwd, env: await env() })).stdout,
    );
    expect(latest[0]).toMatchObject({ id: again.investigationId, question: 'Which channel drove signups last month?' });
  }, 60_000);

  it('prints the final answer object with --format json', async () => {
    const run = await runSleuth(['ask', '--format', 'json', 'Which channel?'], { cwd, env: await env() });
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('succeeded');
    expect(result.answer.evidence[0].sql).toMatch(/GROUP BY acquisition_channel/);
    // The same statement within the cache TTL is answered from memory's query cache.
    const replay = JSON.parse(
      (await runSleuth(['show', '--format', 'json', result.investigationId], { cwd, env: await env() })).stdout,
    );
    const sqlResult = replay.events.find((e: { type: string }) => e.type === 'sql_result');
    expect(sqlResult.payload.elapsedMs).toBe(0);
    // The audit log has the question and each statement with its verdict.
    const store = await openMemoryStore({ dataDir: join(cwd, '.sleuth', 'memory'), logger: silentLogger });
    try {
      const audit = await store.listAudit({ limit: 20 });
      expect(audit.map((a) => a.verdict)).toEqual(expect.arrayContaining(['allowed', 'rejected', 'error']));
      expect(audit.some((a) => a.action === 'ask')).toBe(true);
      expect(audit.find((a) => a.verdict === 'rejected')?.sql).toMatch(/CREATE TABLE/);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('replays a FAQ-answered investigation (stored events carry type beside payload)', async () => {
    const run = await runSleuth(['ask', '--format', 'json', 'How many active customers do we have?'], {
      cwd,
      env: await env(),
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('succeeded');
    const replay = JSON.parse(
      (await runSleuth(['show', '--format', 'json', result.investigationId], { cwd, env: await env() })).stdout,
    );
    expect(replay.investigation.provider).toBe('faq');
    expect(replay.events.map((e: { type: string }) => e.type)).toEqual(['thinking', 'sql', 'sql_result', 'done']);

    const show = await runSleuth(['show', result.investigationId], { cwd, env: await env() });
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Question: How many active customers do we have\?/);
    expect(show.stdout).toMatch(/SQL \(verified query: active_customers\):/);
    expect(show.stdout).toMatch(/active_customers/);
    expect(show.stdout).toMatch(/\(1 row, \d+ ms\)/);
    expect(show.stdout).not.toMatch(/\b1 rows/);
    expect(show.stdout).toMatch(/Answer:/);
  }, 60_000);

  it('explains how to configure a model when none is configured', async () => {
    const run = await runSleuth(['ask', 'Anything?'], { cwd, env: { SLEUTH_NOW: '2026-11-15' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ANTHROPIC_API_KEY/);
    expect(run.stderr).toMatch(/sleuth sql/);
  });
});

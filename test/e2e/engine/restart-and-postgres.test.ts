import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';
import { ensureDatabase, silentLogger } from '../../helpers/databases.js';
import { ofType, openDemoSource, peerModel, runInvestigation } from '../../helpers/engine.js';
import { startAnthropicPeer } from '../../peers/anthropic-peer.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

async function freshMemoryDatabase(name: string): Promise<string> {
  const url = await ensureDatabase('postgres', name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await client.end();
  return url;
}

describe('memory on the real PostgreSQL server', () => {
  let url: string;
  let store: MemoryStore;

  beforeAll(async () => {
    url = await freshMemoryDatabase('sleuth_test_engine_memory');
    store = await openMemoryStore({ url, logger: silentLogger });
  });

  afterAll(async () => {
    await store?.close();
  });

  it('records an investigation on the PostgreSQL demo database', async () => {
    const source = await openDemoSource('postgres');
    const sql = 'SELECT region, COUNT(*) AS countries FROM countries GROUP BY region ORDER BY region';
    const { provider, peer } = await peerModel([
      { tool_calls: [{ name: 'describe_table', input: { table: 'countries' } }] },
      { tool_calls: [{ name: 'run_sql', input: { sql, purpose: 'countries per region' } }] },
      {
        tool_calls: [
          { name: 'finish', input: { answer: 'Four regions.', evidence: [{ claim: 'Four regions', sql }] } },
        ],
      },
    ]);
    try {
      const { outcome, events } = await runInvestigation({ question: 'Regions?', source, model: provider, store });
      expect(outcome.status).toBe('succeeded');
      expect(ofType(events, 'sql_result')[0]?.rowCount).toBe(4);
      expect((await store.listEvents(outcome.investigationId)).length).toBe(events.length);
    } finally {
      await peer.close();
      await source.close();
    }
  });

  it('marks an investigation interrupted after its process dies, losing no recorded event', async () => {
    const peer = await startAnthropicPeer([
      { tool_calls: [{ name: 'list_tables', input: {} }] },
      { tool_calls: [{ name: 'describe_table', input: { table: 'orders' } }] },
      { delay_ms: 60_000, text: 'never arrives' },
    ]);
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'child-investigation.ts')], {
      cwd: ROOT,
      env: { ...process.env, SLEUTH_TEST_MEMORY_URL: url, SLEUTH_TEST_PEER_URL: peer.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const printed: { id: string; seq: number; type: string }[] = [];
    try {
      for await (const line of createInterface({ input: child.stdout! })) {
        printed.push(JSON.parse(line));
        if (printed.some((e) => e.type === 'step_started' && e.seq > 1) && printed.length >= 4) break;
      }
      // Wait until the third model call is in flight (the peer has seen it), then kill the process hard.
      while (peer.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      await peer.close();
    }
    const id = printed[0]!.id;
    const restarted = await openMemoryStore({ url, logger: silentLogger });
    try {
      expect(await restarted.markInterrupted()).toBe(1);
      expect((await restarted.getInvestigation(id))?.status).toBe('interrupted');
      const recorded = await restarted.listEvents(id);
      expect(recorded.length).toBeGreaterThanOrEqual(printed.length);
      expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
      for (const event of printed) expect(recorded[event.seq - 1]?.type).toBe(event.type);
      expect(await restarted.markInterrupted()).toBe(0);
    } finally {
      await restarted.close();
    }
  }, 60_000);
});

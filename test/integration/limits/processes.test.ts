/**
 * Two real processes (child processes over tsx) sharing one real PostgreSQL memory database take from the same
 * limits at the same moment and together never exceed them: an API key's 50 requests per minute (through the
 * composition root's context.limits.take), a user's three concurrency slots and a workspace's $1 daily budget. The clock is frozen, so nothing refills while they race.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ensureDatabase } from '../../helpers/databases.js';

interface ChildResult {
  allowed: number;
  refused: number;
  leased: number;
  leaseRefusals: number;
  granted: number[];
  budgetRefusals: number;
}

function startChild(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  result: Promise<ChildResult>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'limits-child.ts')], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const result = new Promise<ChildResult>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolveReady();
      else if (line.startsWith('{')) resolve(JSON.parse(line) as ChildResult);
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  return { child, ready, result };
}

describe('limits shared by two processes on one PostgreSQL', () => {
  it('never grant more than the bucket, the slots or the budget together', async () => {
    const memoryUrl = await ensureDatabase('postgres', 'sleuth_test_limits_memory');
    const env = {
      SLEUTH_TEST_MEMORY_URL: memoryUrl,
      SLEUTH_TEST_KEY: `k-${randomUUID().slice(0, 8)}`,
      SLEUTH_TEST_CLOCK_MS: String(Date.parse('2026-11-15T10:00:00Z')),
      SLEUTH_TEST_TAKES: '60',
      SLEUTH_TEST_STARTS: '4',
    };
    const children = [startChild(env), startChild(env)];
    try {
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.child.stdin.write('go\n');
      const results = await Promise.all(children.map((c) => c.result));
      const sum = (f: (r: ChildResult) => number) => results.reduce((total, r) => total + f(r), 0);
      // 120 requests raced for 50 tokens: exactly 50 got one
      expect(sum((r) => r.allowed)).toBe(50);
      expect(sum((r) => r.refused)).toBe(70);
      // 8 starts raced for 3 slots of one user
      expect(sum((r) => r.leased)).toBe(3);
      expect(sum((r) => r.leaseRefusals)).toBe(5);
      // 8 starts wanting $0.30 each raced for a workspace's $1: 0.3 + 0.3 + 0.3 + 0.1, the rest refused
      const granted = results.flatMap((r) => r.granted).sort();
      expect(granted).toHaveLength(4);
      expect(granted[0]).toBeCloseTo(0.1);
      expect(granted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(sum((r) => r.budgetRefusals)).toBe(4);
    } finally {
      for (const c of children) c.child.kill();
    }
  }, 120_000);
});

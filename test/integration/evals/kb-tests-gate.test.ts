/**
 * Issue 14 acceptance: in a scratch copy of the repository, the gate's verified-query result tests (`eval:ci --only
 * kb`) pass as committed, and go red with a readable line once `revenue_total` counts cancelled orders too.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sleuth-kb-gate-'));
  for (const path of [
    'src',
    'knowledge',
    'evals/golden',
    'evals/suites',
    'evals/pii',
    'evals/mutants',
    'evals/cassettes',
    'datasets',
    'test/fixtures/sql',
    'package.json',
    'tsconfig.json',
  ])
    cpSync(join(ROOT, path), join(scratch, path), { recursive: true });
  for (const file of ['ci.ts', 'gate.ts', 'comparator.ts', 'comparator-cases.ts', 'thresholds.json'])
    cpSync(join(ROOT, 'evals', file), join(scratch, 'evals', file));
  symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
  mkdirSync(join(scratch, '.sleuth'), { recursive: true });
  // Reuse the SQLite demo database when an earlier run built it (otherwise the gate builds its own).
  if (existsSync(join(ROOT, '.sleuth', 'eval', 'demo.sqlite'))) {
    mkdirSync(join(scratch, '.sleuth', 'eval'), { recursive: true });
    cpSync(join(ROOT, '.sleuth', 'eval', 'demo.sqlite'), join(scratch, '.sleuth', 'eval', 'demo.sqlite'));
  }
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function gate(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(scratch, 'node_modules', '.bin', 'tsx'), ['evals/ci.ts', '--only', 'kb'], {
      cwd: scratch,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

it('passes as committed and fails when revenue_total starts counting cancelled orders', async () => {
  const clean = await gate();
  expect(clean.out).toMatch(/kb: \d+ result tests of 48 verified queries/);
  expect(clean.out).toMatch(/ok {3}kb\.result_tests 1\.000 >= 1\.000/);
  expect(clean.code).toBe(0);

  const file = join(scratch, 'knowledge', 'verified', 'revenue_total.yaml');
  const before = readFileSync(file, 'utf8');
  const after = before.replace("WHERE status = 'completed'", "WHERE status IN ('completed', 'cancelled')");
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  try {
    const broken = await gate();
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /FAIL kb\.result_tests 0\.\d{3} < 1\.000 \(1 verified-query result tests failed: revenue_total october 2026 \[demo @ 2026-11-15\]: row 1 revenue: got [\d.]+, expected 756505\.95; row 1 completed_orders: got 1427, expected 1363\./,
    );
    expect(broken.out).toMatch(/eval:ci FAILED: kb\.result_tests/);
  } finally {
    writeFileSync(file, before);
  }
}, 240_000);

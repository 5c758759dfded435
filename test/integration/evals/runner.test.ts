/** `npm run eval` end to end with the scripted reference provider: engine, guard, executor, comparator, reports. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

it('runs golden cases through the engine and writes a scored JSON and Markdown report', async () => {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['evals/run.ts', '--suite', 'golden', '--limit', '8', '--concurrency', '2'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out }));
  });
  expect(code).toBe(0);
  expect(stdout).toMatch(/8 of 8 cases scored; execution accuracy 100\.0%/);
  const written = /wrote (evals\/results\/[^\s]+)\.json/.exec(stdout)?.[1];
  expect(written).toBeDefined();
  const report = JSON.parse(readFileSync(join(ROOT, `${written}.json`), 'utf8'));
  expect(report.results).toHaveLength(8);
  expect(report.results.every((r: { match: boolean; steps: number }) => r.match && r.steps >= 2)).toBe(true);
  expect(existsSync(join(ROOT, `${written}.md`))).toBe(true);
}, 120_000);

/**
 * A scratch copy of the repository for tests that run the eval gate as CI does (`tsx evals/ci.ts ...`) and then
 * break something in the copy to show the gate going red. The copy holds what the gate reads; node_modules is linked.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

const COPIED = [
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
];
const EVAL_FILES = ['ci.ts', 'gate.ts', 'comparator.ts', 'comparator-cases.ts', 'thresholds.json'];

export interface EvalScratch {
  readonly dir: string;
  /** Runs `tsx evals/ci.ts <args>` in the copy; output is stdout and stderr together. */
  gate(args: readonly string[]): Promise<{ code: number | null; out: string }>;
  /** Rewrites a file of the copy; the returned function puts it back. */
  edit(path: string, change: (text: string) => string): () => void;
  remove(): void;
}

/** Runs a TypeScript entry point with the repository's tsx; output is stdout and stderr together. */
export function runTsx(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd, env });
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

export function createEvalScratch(prefix: string): EvalScratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const path of COPIED) cpSync(join(REPO_ROOT, path), join(dir, path), { recursive: true });
  for (const file of EVAL_FILES) cpSync(join(REPO_ROOT, 'evals', file), join(dir, 'evals', file));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, '.sleuth'), { recursive: true });
  // Reuse the SQLite demo database when an earlier run built it (otherwise each gate run builds its own).
  if (existsSync(join(REPO_ROOT, '.sleuth', 'eval')))
    cpSync(join(REPO_ROOT, '.sleuth', 'eval'), join(dir, '.sleuth', 'eval'), { recursive: true });
  return {
    dir,
    gate: (args) =>
      runTsx(dir, ['evals/ci.ts', ...args], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir }),
    edit(path, change) {
      const file = join(dir, path);
      const original = readFileSync(file, 'utf8');
      const changed = change(original);
      if (changed === original) throw new Error(`the edit of ${path} changed nothing`);
      writeFileSync(file, changed);
      return () => writeFileSync(file, original);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

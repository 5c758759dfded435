/**
 * `sleuth serve` as a real child process over the TypeScript sources (test/helpers/sleuth-process.ts): resolves once
 * it says where it listens, and keeps its stderr (plain lines and JSON log lines) for the test to read. Node runs the
 * file itself with tsx as a loader (not the tsx wrapper, which would leave its node child running after a SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
/** tsx's ESM loader by path, so the child can run from any working directory. */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** The JSON log lines printed so far. */
  logs(): Record<string, unknown>[];
  exited: Promise<number | null>;
}

export function startServeProcess(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ServeProcess> {
  const entry = join(ROOT, 'test', 'helpers', 'sleuth-process.ts');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, entry, 'serve', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const logs = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // never leave a half-started server behind: it would take other tests' jobs from a shared queue
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${stderr.slice(-2000)}`));
    }, 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+) /.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, stderr: () => stderr, logs, exited });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/**
 * Cold start of the CLI as users run it (bin/sleuth.js over dist/, so run `npm run build` first), against `node -e 0`
 * measured in the same run: `--help`, `sql "select 1"` on the demo, an FAQ `ask` (a verified query, no model),
 * `serve` until /ready answers 200, and `mcp` over stdio until it answers `initialize` (then one run_sql call).
 * Medians of N fresh processes, each with the same warmed data dir per checkout (demo database and embedded memory
 * created once before timing). `--compare <checkout>` times that checkout's bin/sleuth.js in the same run too (e.g. a build of the
 * commit before a change), as a second column. Usage: npm run bench:cli [-- --runs 5 --compare ../main]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg('runs', '5'));
const root = join(import.meta.dirname, '..');
const compare = arg('compare', '');
const bins: Record<string, string> = { this: join(root, 'bin', 'sleuth.js') };
if (compare) bins.compared = join(compare, 'bin', 'sleuth.js');
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` first.');
if (statSync(entry).mtimeMs < statSync(join(root, 'src', 'cli', 'main.ts')).mtimeMs)
  console.warn('warning: dist/ is older than src/cli/main.ts; run `npm run build` for current numbers.');

const cwd = mkdtempSync(join(tmpdir(), 'sleuth-bench-cli-'));
const baseEnv = {
  PATH: process.env.PATH ?? '',
  HOME: cwd,
  SLEUTH_LOG_LEVEL: 'silent',
  SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
  SLEUTH_NOW: '2026-11-15T12:00:00Z',
};
type Env = typeof baseEnv;
// each checkout its own data dir: an older build refuses a memory database migrated by a newer one
const envOf: Record<string, Env> = Object.fromEntries(
  Object.keys(bins).map((which) => [which, { ...baseEnv, SLEUTH_DATA_DIR: join(cwd, `.sleuth-${which}`) }]),
);
const FAQ_QUESTION = 'How many active customers do we have?';

/** Runs a command to its exit; the wall time from spawn to exit. */
function timeExit(args: string[], env: Env = baseEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `serve --port 0`: from spawn until GET /ready answers 200. */
async function timeServeReady(bin: string, env: Env): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--grace', '0'], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stderr?.on('data', (chunk) => {
        seen += String(chunk);
        const match = /listening on (http:\/\/[^\s)]+)/.exec(seen);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${seen.slice(0, 500)}`)));
    });
    for (;;) {
      const response = await fetch(`${url}/ready`).catch(() => undefined);
      if (response?.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await stop(child);
  }
}

/** `mcp` over stdio: from spawn until `initialize` is answered, and until a first run_sql call is answered. */
async function timeMcp(bin: string, env: Env): Promise<{ ready: number; firstCall: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'mcp'], { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  const answers = new Map<number, (value: unknown) => void>();
  lines.on('line', (line) => {
    const message = JSON.parse(line) as { id?: number };
    if (typeof message.id === 'number') answers.get(message.id)?.(message);
  });
  const call = (id: number, method: string, params: unknown) => {
    const answered = new Promise((resolve) => answers.set(id, resolve));
    child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answered;
  };
  try {
    await call(1, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'bench-cli', version: '0' },
    });
    const ready = performance.now() - started;
    child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    await call(2, 'tools/call', { name: 'run_sql', arguments: { sql: 'SELECT 1' } });
    return { ready, firstCall: performance.now() - started };
  } finally {
    child.stdin!.end();
    await stop(child);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

// warm-up (not timed): builds the demo database and the embedded memory once, as a first run would
for (const [which, bin] of Object.entries(bins)) {
  await timeExit([bin, 'sql', 'SELECT 1'], envOf[which]);
  await timeExit([bin, 'ask', FAQ_QUESTION], envOf[which]);
}

const samples: Record<string, Record<string, number[]>> = {};
const add = (name: string, which: string, ms: number) => {
  samples[name] ??= {};
  samples[name][which] ??= [];
  samples[name][which].push(ms);
};
// interleaved, so load from other processes on the machine spreads over every row alike
for (let i = 0; i < runs; i++) {
  add('node -e 0 (baseline)', 'this', await timeExit(['-e', '0']));
  for (const [which, bin] of Object.entries(bins)) {
    const env = envOf[which] ?? baseEnv;
    add('sleuth --help', which, await timeExit([bin, '--help'], env));
    add('sleuth sql "select 1" (demo)', which, await timeExit([bin, 'sql', 'select 1'], env));
    add('sleuth ask (FAQ hit, no model)', which, await timeExit([bin, 'ask', FAQ_QUESTION], env));
    add('sleuth serve -> /ready 200', which, await timeServeReady(bin, env));
    const mcp = await timeMcp(bin, env);
    add('sleuth mcp (stdio) -> initialize', which, mcp.ready);
    add('sleuth mcp (stdio) -> first run_sql', which, mcp.firstCall);
  }
}

const baseline = median(samples['node -e 0 (baseline)']?.this ?? []);
const cell = (values: number[] | undefined) =>
  values ? `${median(values).toFixed(0).padStart(7)} ${`${(median(values) / baseline).toFixed(1)}x`.padStart(6)}` : '';
console.log(`cold start, medians of ${runs} (ms, and times node -e 0 in the same run)`);
console.log(`${'command'.padEnd(38)} ${'this'.padStart(14)}${compare ? ` ${'compared'.padStart(14)}` : ''}`);
for (const [name, by] of Object.entries(samples)) {
  console.log(`${name.padEnd(38)} ${cell(by.this)}${compare ? ` ${cell(by.compared)}` : ''}`);
}
if (compare) console.log(`compared: ${compare}`);

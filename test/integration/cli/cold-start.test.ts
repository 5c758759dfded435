/**
 * Cold start: each command loads only what it uses. The CLI runs as a real process over the sources with a resolve
 * hook recording every npm package it imports; what a command must never load is asserted by name.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const cwd = mkdtempSync(join(tmpdir(), 'sleuth-cold-start-'));

/** Runs one command in a fresh process; its stdout and the npm packages it imported. */
async function packagesLoadedBy(args: string[]): Promise<{ stdout: string; packages: Set<string> }> {
  const out = join(mkdtempSync(join(tmpdir(), 'sleuth-packages-')), 'packages.txt');
  const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const recorder = pathToFileURL(join(ROOT, 'test', 'helpers', 'record-packages.mjs')).href;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', loader, '--import', recorder, join(ROOT, 'test', 'helpers', 'sleuth-process.ts'), ...args],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        SLEUTH_LOG_LEVEL: 'silent',
        SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
        SLEUTH_TEST_PACKAGES_OUT: out,
      },
    },
  );
  const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  return { stdout, packages: new Set(lines) };
}

/**
 * `sleuth mcp` as a real process: initialize, list the tools, run one statement, close stdin; the answers and the npm
 * packages it imported.
 */
async function mcpSession(): Promise<{
  answers: { id: number; result?: Record<string, unknown> }[];
  packages: Set<string>;
}> {
  const out = join(mkdtempSync(join(tmpdir(), 'sleuth-packages-')), 'packages.txt');
  const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const recorder = pathToFileURL(join(ROOT, 'test', 'helpers', 'record-packages.mjs')).href;
  const child = spawn(
    process.execPath,
    ['--import', loader, '--import', recorder, join(ROOT, 'test', 'helpers', 'sleuth-process.ts'), 'mcp'],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        SLEUTH_LOG_LEVEL: 'silent',
        SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
        SLEUTH_TEST_PACKAGES_OUT: out,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const answers: { id: number; result?: Record<string, unknown> }[] = [];
  const waiting = new Map<number, () => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { id?: number; result?: Record<string, unknown> };
    if (typeof message.id !== 'number') return;
    answers.push(message as { id: number });
    waiting.get(message.id)?.();
  });
  const call = (id: number, method: string, params: unknown) => {
    const answered = new Promise<void>((resolve) => waiting.set(id, resolve));
    child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answered;
  };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await call(1, 'initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 't', version: '0' },
  });
  child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  await call(2, 'tools/list', {});
  await call(3, 'tools/call', { name: 'run_sql', arguments: { sql: 'SELECT 41 + 1 AS answer' } });
  child.stdin!.end();
  await exited;
  const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  return { answers, packages: new Set(lines) };
}

/** What serving, the engine, Slack, charts and model SDKs need: no short command loads any of them. */
const SERVER_AND_ENGINE = [
  'express',
  'ws',
  'pg-boss',
  '@slack/bolt',
  'vega',
  'vega-lite',
  '@resvg/resvg-js',
  '@anthropic-ai/sdk',
  '@modelcontextprotocol/sdk',
  '@qdrant/js-client-rest',
];

describe('cold start: each command loads only what it uses', () => {
  it('--help loads the argument parser and nothing else', async () => {
    const { stdout, packages } = await packagesLoadedBy(['--help']);
    expect(stdout).toMatch(/Usage: sleuth/);
    expect([...packages].filter((p) => p !== 'commander')).toEqual([]);
  }, 60_000);

  it('sql on the demo loads neither the server, the queue, Slack, charts nor a model SDK', async () => {
    const { stdout, packages } = await packagesLoadedBy(['sql', '--format', 'json', 'SELECT 41 + 1 AS answer']);
    expect(JSON.parse(stdout)).toMatchObject({ rows: [[42]] });
    expect(SERVER_AND_ENGINE.filter((p) => packages.has(p))).toEqual([]);
    // it does load what it needs, the SQLite driver, and not the embedded memory database: its audit entry and rate
    // check go to the memory journal (SQLite), nor the other dialects' drivers
    expect(packages.has('sqlite3')).toBe(true);
    expect(['@electric-sql/pglite', 'kysely', 'pg', 'mysql2', 'prom-client'].filter((p) => packages.has(p))).toEqual(
      [],
    );
  }, 120_000);

  it('an FAQ ask (a verified query, no model) loads neither the server, the queue nor a model SDK', async () => {
    const { stdout, packages } = await packagesLoadedBy([
      'ask',
      '--format',
      'json',
      'How many active customers do we have?',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'succeeded' });
    expect(SERVER_AND_ENGINE.filter((p) => p !== '@qdrant/js-client-rest' && packages.has(p))).toEqual([]);
  }, 120_000);

  it('mcp over stdio answers initialize, lists tools and runs SQL without loading the memory database or HTTP', async () => {
    const { answers, packages } = await mcpSession();
    expect(answers.map((a) => a.id)).toEqual([1, 2, 3]);
    expect(answers[0]?.result).toMatchObject({ serverInfo: { name: expect.any(String) } });
    expect(((answers[1]?.result?.tools ?? []) as { name: string }[]).map((t) => t.name)).toContain('run_sql');
    expect(answers[2]?.result).toMatchObject({ structuredContent: { rows: [[42]] } });
    // the audit entry and the rate check of run_sql went to the memory journal
    expect(
      ['@electric-sql/pglite', 'kysely', 'express', 'hono', '@hono/node-server', 'pg-boss'].filter((p) =>
        packages.has(p),
      ),
    ).toEqual([]);
  }, 120_000);
});

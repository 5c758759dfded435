/**
 * Cold start: each command loads only what it uses. The CLI runs as a real process over the sources with a resolve
 * hook recording every npm package it imports; what a command must never load is asserted by name.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});

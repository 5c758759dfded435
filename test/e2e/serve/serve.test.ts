/**
 * `sleuth serve` as a real process: health, and Slack's /slack/events through the real Bolt HTTP receiver with the
 * Web API pointed at the local Slack recorder; a bad signature is refused; SIGTERM stops it cleanly. The API with a
 * key made by `sleuth api-key create`: an investigation started before SIGTERM still streams to its end, then the
 * process exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';
import { demoUrl } from '../../helpers/demo.js';
import { createSlackSender, signature } from '../../peers/slack-requests.js';
import { type SlackPeer, startSlackPeer } from '../../peers/slack-web-api.js';
import { readSse } from '../api/harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SECRET = 'serve-test-signing-secret';

let child: ChildProcess | undefined;
let peer: SlackPeer | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await peer?.close();
  child = undefined;
  peer = undefined;
});

function newCwd(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-serve-'));
  mkdirSync(join(cwd, 'knowledge'));
  return cwd;
}

function startServe(
  env: Record<string, string>,
  cwd = newCwd(),
): Promise<{ url: string; stderr: () => string; exited: Promise<number | null> }> {
  const proc = spawn(TSX, [join(ROOT, 'test', 'helpers', 'sleuth-process.ts'), 'serve', '--port', '0'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? cwd,
      SLEUTH_LOG_LEVEL: 'silent',
      SLEUTH_NOW: '2026-11-15',
      ...env,
    },
  });
  child = proc;
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+) /.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], stderr: () => stderr, exited });
      }
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
}

describe('sleuth serve', () => {
  it('serves health and Slack events; refuses a bad signature; stops on SIGTERM', async () => {
    peer = await startSlackPeer();
    const server = await startServe({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: peer.apiUrl,
    });
    expect(server.stderr()).toMatch(/Slack: http:\/\/127\.0\.0\.1:\d+\/slack\/events/);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', components: { slack: 'http' } });

    // Slack's URL verification handshake, correctly signed, is answered with the challenge.
    const body = JSON.stringify({ type: 'url_verification', challenge: 'challenge-123', token: 'x' });
    const timestamp = Math.floor(Date.now() / 1000);
    const verified = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature(SECRET, timestamp, body),
      },
      body,
    });
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain('challenge-123');

    const forged = createSlackSender(server.url, 'not-the-secret');
    const refused = await forged.event({
      type: 'app_mention',
      user: 'U1',
      channel: 'C1',
      text: '<@UBOT> hi',
      ts: '1.1',
    });
    expect(refused.status).toBe(401);

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);

    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('runs without Slack and says how to turn it on', async () => {
    const server = await startServe({});
    expect(server.stderr()).toMatch(/Slack: off \(set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET\)/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ components: { engine: 'ok' } });
    expect((await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('serves the API with a key from sleuth api-key create, and on SIGTERM lets a running investigation finish', async () => {
    const cwd = newCwd();
    const env = {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite-slow.yaml'),
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
    };
    const created = await runSleuth(['api-key', 'create', 'serve-test', '--format', 'json'], { cwd, env });
    expect(created.code).toBe(0);
    const { key, id } = JSON.parse(created.stdout) as { key: string; id: string };
    const listed = await runSleuth(['api-key', 'list'], { cwd, env });
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    const server = await startServe(env, cwd);
    expect(server.stderr()).toMatch(/API: http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${server.url}/api/v1/knowledge/proposals`)).status).toBe(401);

    const auth = { authorization: `Bearer ${key}` };
    const started = await fetch(`${server.url}/api/v1/investigations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Which channel drove signups last month?', faq: false }),
    });
    expect(started.status).toBe(202);
    const { links } = (await started.json()) as { links: { events: string } };
    const stream = await fetch(`${server.url}${links.events}`, { headers: auth });
    const events = readSse(stream);
    child?.kill('SIGTERM');
    const received = await events;
    expect(received.map((m) => Number(m.id))).toEqual(received.map((_, i) => i + 1));
    expect(received.at(-1)?.event).toBe('done');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/Stopping: finishing requests and running investigations[\s\S]*Stopped\./);
  }, 120_000);
});

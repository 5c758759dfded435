/** `npm run dev:slack` (src/slack/dev.ts) as a real process: explains missing tokens, or goes for Socket Mode. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../../helpers/databases.js';
import { type SlackPeer, startSlackPeer } from '../../peers/slack-web-api.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function runDev(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'src', 'slack', 'dev.ts')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, SLEUTH_LOG_LEVEL: 'silent', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

let peer: SlackPeer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await peer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  peer = undefined;
  dir = undefined;
});

describe('npm run dev:slack', () => {
  it('explains which tokens are missing and where to get them, with exit status 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sleuth-dev-'));
    const { code, stderr } = await runDev({}, dir);
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(stderr).toContain('OAuth & Permissions');
    expect(stderr).toContain('SLACK_APP_TOKEN is not set for Socket Mode');
    expect(stderr).toContain('connections:write');
    expect(stderr).toContain('manifest.yml');
  });

  it('with tokens, verifies the bot token and opens a Socket Mode connection with the app token', {
    timeout: 60_000,
  }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'sleuth-dev-'));
    peer = await startSlackPeer({ botToken: 'xoxb-test-token' });
    const { code, stderr } = await runDev(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APP_TOKEN: 'xapp-1-not-accepted-by-the-peer',
        SLACK_API_URL: peer.apiUrl,
        SLEUTH_DATA_DIR: join(dir, '.sleuth'),
        SLEUTH_KNOWLEDGE_DIR: dir,
        DATABASE_URL: await ensureDatabase('postgres', 'sleuth_test_slack_memory'),
      },
      dir,
    );
    expect(peer.ok('auth.test')).toHaveLength(1);
    const open = peer.calls.filter((c) => c.method === 'apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.outcome).toBe('refused'); // the peer only knows the bot token
    expect(code).toBe(1);
    expect(stderr).toContain('Could not connect to Slack over Socket Mode (invalid_auth)');
    expect(stderr).not.toContain('xapp-1');
  });
});

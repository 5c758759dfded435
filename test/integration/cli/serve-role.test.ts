/**
 * `sleuth serve --role`: the choices, and the roles that need a shared PostgreSQL memory refusing to start without it
 * (exit 2 and a sentence saying what to set) before anything listens.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';

async function serve(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-role-'));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await runCli(['serve', '--port', '0', ...args], {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: { SLEUTH_LOG_LEVEL: 'silent', SLEUTH_DATA_DIR: join(cwd, '.sleuth') },
    cwd,
    onInterrupt: () => () => undefined,
  });
  return { code, stdout: out, stderr: err };
}

describe('sleuth serve --role', () => {
  it('documents the roles in --help', async () => {
    const help = await serve(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--role <role>.*\(choices: "api", "worker", "all", default: "all"\)/s);
    expect(help.stdout).toMatch(/"worker" runs them/);
  });

  it('refuses an unknown role', async () => {
    const run = await serve(['--role', 'scheduler']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'scheduler' is invalid\. Allowed choices are api, worker, all/);
  });

  it.each(['api', 'worker'])('--role %s needs a PostgreSQL memory store and says so', async (role) => {
    const run = await serve(['--role', role]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--role api and --role worker share investigations through a PostgreSQL memory store: set DATABASE_URL/,
    );
    expect(run.stderr).not.toMatch(/listening/);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, openMemoryStore } from '../../../src/memory/index.js';
import { runSleuth } from '../../helpers/cli.js';
import { silentLogger } from '../../helpers/databases.js';
import { demoUrl } from '../../helpers/demo.js';

const DAY = 86_400_000;

/** RFC 4180 lines, enough for the fields we write (quoted fields may hold commas and quotes). */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')),
    );
}

describe('sleuth audit', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-audit-'));
  let env: Record<string, string>;

  async function append(entries: AuditEntry[]): Promise<void> {
    const store = await openMemoryStore({ dataDir: join(cwd, '.sleuth', 'memory'), logger: silentLogger });
    try {
      for (const entry of entries) await store.appendAudit(entry);
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    env = { SLEUTH_NOW: '2026-11-15', SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'), USER: 'ada' };
    expect((await runSleuth(['sql', 'SELECT COUNT(*) AS n FROM countries'], { cwd, env })).code).toBe(0);
    expect((await runSleuth(['sql', 'DELETE FROM customers'], { cwd, env })).code).toBe(1);
    const slack = { actor: 'U024BE7LH', actorKind: 'slack', actorLabel: 'grace', workspace: 'T9', channel: 'C42' };
    await append([
      {
        ...slack,
        action: 'ask',
        verdict: 'allowed',
        connection: 'demo',
        detail: { question: 'Revenue, last week?' },
        at: new Date(Date.now() - 2 * DAY),
      },
      {
        ...slack,
        action: 'ask',
        verdict: 'refused',
        code: 'RATE_LIMITED',
        detail: { question: 'And, "again"?', reason: 'Rate limit: ...' },
        at: new Date(Date.now() - 10 * DAY),
      },
    ]);
  }, 120_000);

  it('prints a table of the newest entries: who, from where, what and the verdict', async () => {
    const run = await runSleuth(['audit'], { cwd, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^at\s+\| actor\s+\| from\s+\| action\s+\| connection\s+\| verdict\s+\| code\s+\| rows \| +ms \| what/,
    );
    expect(run.stdout).toMatch(/cli:ada .*\| sql .*\| demo .*\| rejected\s+\| SQL_REJECTED .*DELETE FROM customers/);
    expect(run.stdout).toMatch(/cli:ada .*\| sql .*\| allowed .*\|\s+1 \|.*SELECT COUNT\(\*\) AS n FROM countries/);
    expect(run.stdout).toMatch(/slack:U024BE7LH \(grace\) \| T9\/C42 \| ask .*\| refused\s+\| RATE_LIMITED/);
    expect(run.stdout).toMatch(/\(4 entries, newest first\)/);
  });

  it('filters by user, action, verdict and time, as JSON', async () => {
    const json = async (...args: string[]) => {
      const run = await runSleuth(['audit', '--format', 'json', ...args], { cwd, env });
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { action: string; verdict: string; code: string | null; actor: string }[];
    };
    expect((await json('--user', 'U024BE7LH')).map((e) => e.verdict)).toEqual(['allowed', 'refused']);
    expect((await json('--user', 'U024BE7LH', '--since', '7d')).map((e) => e.verdict)).toEqual(['allowed']);
    expect((await json('--until', '7d')).map((e) => e.code)).toEqual(['RATE_LIMITED']);
    expect((await json('--action', 'sql')).map((e) => e.verdict)).toEqual(['rejected', 'allowed']);
    expect((await json('--action', 'sql', '--verdict', 'refused,rejected')).map((e) => e.code)).toEqual([
      'SQL_REJECTED',
    ]);
    expect(await json('--since', new Date(Date.now() + DAY).toISOString().slice(0, 10))).toEqual([]);
    expect(await json('--limit', '1')).toHaveLength(1);
  });

  it('writes CSV with one column per field, quoting what needs it', async () => {
    const run = await runSleuth(['audit', '--format', 'csv', '--user', 'U024BE7LH'], { cwd, env });
    expect(run.code).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout);
    expect(header).toEqual([
      'id',
      'at',
      'actor_kind',
      'actor',
      'actor_label',
      'workspace',
      'channel',
      'action',
      'connection',
      'investigation_id',
      'verdict',
      'code',
      'row_count',
      'duration_ms',
      'sql',
      'question',
      'reason',
      'detail',
    ]);
    expect(rows).toHaveLength(2);
    const row = (r: string[]) => Object.fromEntries(header!.map((h, i) => [h, r[i]]));
    expect(row(rows[0]!)).toMatchObject({
      actor_kind: 'slack',
      actor: 'U024BE7LH',
      workspace: 'T9',
      channel: 'C42',
      verdict: 'allowed',
      question: 'Revenue, last week?',
    });
    expect(row(rows[1]!)).toMatchObject({ code: 'RATE_LIMITED', question: 'And, "again"?' });
    expect(JSON.parse(row(rows[1]!).detail!)).toMatchObject({ reason: 'Rate limit: ...' });
  });

  it('deletes entries past the retention at start and on --purge', async () => {
    await append([
      { actor: 'old', action: 'ask', at: new Date(Date.now() - 200 * DAY) },
      { actor: 'old', action: 'ask', at: new Date(Date.now() - 40 * DAY) },
      { actor: 'old', action: 'ask', at: new Date(Date.now() - 20 * DAY) },
    ]);
    // the default retention (90 days) applies whenever the memory opens
    const kept = JSON.parse((await runSleuth(['audit', '--format', 'json', '--user', 'old'], { cwd, env })).stdout);
    expect(kept).toHaveLength(2);
    const purge = await runSleuth(['audit', '--purge'], { cwd, env: { ...env, SLEUTH_AUDIT_RETENTION_DAYS: '30' } });
    expect(purge.stdout).toBe('Deleted 1 audit entry older than 30 days.\n');
    const left = JSON.parse((await runSleuth(['audit', '--format', 'json', '--user', 'old'], { cwd, env })).stdout);
    expect(left).toHaveLength(1);
    const off = await runSleuth(['audit', '--purge'], { cwd, env: { ...env, SLEUTH_AUDIT_RETENTION_DAYS: '0' } });
    expect(off.stdout).toMatch(/retention is off/);
  });

  it('explains bad options and has a useful --help', async () => {
    const since = await runSleuth(['audit', '--since', 'last tuesday'], { cwd, env });
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since must be a span such as 30m, 12h, 7d or 2w, or a date/);
    expect((await runSleuth(['audit', '--format', 'xml'], { cwd, env })).code).toBe(2);
    const help = await runSleuth(['audit', '--help'], { cwd, env });
    expect(help.stdout).toMatch(/--since <when>/);
    expect(help.stdout).toMatch(/--purge/);
    expect(help.stdout).toMatch(/Verdicts: allowed, rejected/);
    expect(help.stdout).toMatch(/SLEUTH_AUDIT_RETENTION_DAYS/);
  });
});

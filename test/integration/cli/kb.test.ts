import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSleuth } from '../../helpers/cli.js';

const repoKnowledge = join(import.meta.dirname, '..', '..', '..', 'knowledge');

describe('sleuth kb and FAQ answers without a model', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-kb-cli-'));
  const env = { SLEUTH_NOW: '2026-11-15' };

  beforeAll(() => {
    cpSync(repoKnowledge, join(cwd, 'knowledge'), { recursive: true });
  });

  it('syncs and lists verified queries with owner, verified date and status', async () => {
    const sync = await runSleuth(['kb', 'sync'], { cwd, env });
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Synced \d+ verified queries, \d+ glossary terms/);
    expect(sync.stdout).toMatch(/Vectors: off/);
    const list = await runSleuth(['kb', 'list', '--format', 'json'], { cwd, env });
    const rows = JSON.parse(list.stdout) as { name: string; owner: string; verifiedOn: string; stale: boolean }[];
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.find((r) => r.name === 'signups_total')).toMatchObject({ owner: 'growth-analytics', stale: false });
    const text = await runSleuth(['kb', 'list'], { cwd, env });
    expect(text.stdout).toMatch(/signups_total\s+\|\s+demo\s+\|\s+growth-analytics\s+\|\s+\d{4}-\d{2}-\d{2}\s+\|\s+ok/);
  }, 60_000);

  it('answers a common question with `sleuth ask` from a verified query, no model configured', async () => {
    const run = await runSleuth(['ask', 'How many customers signed up last month?'], { cwd, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/verified query: signups_total/);
    expect(run.stdout).toMatch(/signups: \d+/);
    const json = await runSleuth(['ask', '--format', 'json', 'revenue by month this year'], { cwd, env });
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'succeeded',
      answer: { evidence: [{ sql: expect.stringMatching(/SELECT/) }] },
    });
    // Not a verified query and no model: the usual setup help, exit 2.
    const miss = await runSleuth(['ask', 'Why did churn spike in March compared to February?'], { cwd, env });
    expect(miss.code).toBe(1);
    expect(miss.stderr).toMatch(/No model is configured/);
  }, 60_000);

  it('searches, refuses an invalid file on add, adds and removes a valid one', async () => {
    const search = await runSleuth(['kb', 'search', 'signups by channel last week'], { cwd, env });
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/FAQ tier: answers with verified query signups_by_channel/);

    const bad = join(cwd, 'bad.yaml');
    writeFileSync(
      bad,
      'name: Bad Name\ndescription: x\nquestions: [hi there]\nconnection: demo\nowner: me\nverified_on: 2026-01-01\nsql: SELECT {{nope}}\n',
    );
    const refused = await runSleuth(['kb', 'add', bad], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/name: lower case letters/);
    expect(refused.stderr).toMatch(/placeholder \{\{nope\}\} has no parameter definition/);

    const stale = join(cwd, 'stale.yaml');
    writeFileSync(
      stale,
      'name: zebra_count\ndescription: Zebras.\nquestions: [How many zebras?]\nconnection: demo\nowner: me\nverified_on: 2026-01-01\nsql: SELECT COUNT(zebra) FROM customers\n',
    );
    const notFitting = await runSleuth(['kb', 'add', stale], { cwd, env });
    expect(notFitting.code).toBe(2);
    expect(notFitting.stderr).toMatch(/does not fit the live schema/);
    expect(existsSync(join(cwd, 'knowledge', 'verified', 'zebra_count.yaml'))).toBe(false);

    const good = join(cwd, 'good.yaml');
    writeFileSync(
      good,
      'name: country_count\ndescription: Number of countries we sell in.\nquestions: [How many countries do we sell in?]\nconnection: demo\nowner: ops\nverified_on: 2026-11-01\nsql: SELECT COUNT(*) AS countries FROM countries\n',
    );
    const added = await runSleuth(['kb', 'add', good], { cwd, env });
    expect(added.code).toBe(0);
    expect(existsSync(join(cwd, 'knowledge', 'verified', 'country_count.yaml'))).toBe(true);
    const removed = await runSleuth(['kb', 'remove', 'country_count'], { cwd, env });
    expect(removed.code).toBe(0);
    expect(existsSync(join(cwd, 'knowledge', 'verified', 'country_count.yaml'))).toBe(false);
    const unknown = await runSleuth(['kb', 'remove', 'country_count'], { cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No verified query named country_count/);
  }, 120_000);

  it('draws the answer as a chart with --chart', async () => {
    const file = join(cwd, 'revenue.png');
    const run = await runSleuth(['ask', '--chart', file, 'revenue by month this year'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Chart \(line, \d+x\d+\) written to/);
    const png = readFileSync(file);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBeGreaterThan(200);
  }, 60_000);

  it('exports knowledge as JSON', async () => {
    const run = await runSleuth(['kb', 'export'], { cwd, env });
    const data = JSON.parse(run.stdout);
    expect(data.verifiedQueries.length).toBeGreaterThanOrEqual(30);
    expect(data.glossary.length).toBeGreaterThanOrEqual(15);
  }, 60_000);
});

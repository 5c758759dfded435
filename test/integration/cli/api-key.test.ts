/** `sleuth api-key create [--role]|list|revoke` through the real CLI and the embedded memory store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/api/index.js';
import { runSleuth } from '../../helpers/cli.js';

describe('sleuth api-key', () => {
  it('creates a key shown once, lists keys without them, revokes one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sleuth-api-key-'));
    const created = await runSleuth(['api-key', 'create', 'ci pipeline'], { cwd });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const id = /Created API key (key_[0-9a-f]{16}) \(ci pipeline\)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    expect(created.stderr).toMatch(/shown only now/);

    expect(created.stderr).toMatch(/with role member\./);
    const admin = await runSleuth(['api-key', 'create', 'curator', '--role', 'admin', '--format', 'json'], { cwd });
    expect(admin.code).toBe(0);
    const adminKey = JSON.parse(admin.stdout) as { id: string; name: string; role: string; key: string };
    expect(adminKey).toMatchObject({ name: 'curator', role: 'admin', key: expect.stringMatching(/^slk_/) });
    const badRole = await runSleuth(['api-key', 'create', 'x', '--role', 'root'], { cwd });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be member or admin/);

    const listed = await runSleuth(['api-key', 'list', '--format', 'json'], { cwd });
    const rows = JSON.parse(listed.stdout) as { id: string; name: string; revokedAt: string | null }[];
    expect(rows).toMatchObject([
      { id, name: 'ci pipeline', role: 'member', revokedAt: null },
      { id: adminKey.id, name: 'curator', role: 'admin', revokedAt: null },
    ]);
    expect(listed.stdout).not.toContain(adminKey.key.slice(21));
    const table = await runSleuth(['api-key', 'list'], { cwd });
    expect(table.stdout).toMatch(/id +\| name +\| role +\| created/);
    expect(table.stdout).toMatch(new RegExp(`${adminKey.id} \\| curator +\\| admin +\\| \\d{4}-`));
    expect(listed.stdout).not.toContain(key.slice(21));
    expect(listed.stdout).not.toContain(hashApiKey(key));

    const revoked = await runSleuth(['api-key', 'revoke', id as string], { cwd });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${id} (ci pipeline).`);
    const text = await runSleuth(['api-key', 'list'], { cwd });
    // revoked now; never used (no request made with it)
    expect(text.stdout).toMatch(
      new RegExp(`${id} \\| ci pipeline \\| member \\| \\S+ +\\| - +\\| \\d{4}-\\d{2}-\\d{2}T`),
    );

    const unknown = await runSleuth(['api-key', 'revoke', 'key_0000000000000000'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No API key key_0000000000000000/);
    const badName = await runSleuth(['api-key', 'create', '$(rm -rf)'], { cwd });
    expect(badName.code).toBe(2);
    const help = await runSleuth(['api-key', '--help'], { cwd });
    expect(help.stdout).toMatch(/shown once|printed once/);
    expect(help.stdout).toMatch(/--role admin/);
    const createHelp = await runSleuth(['api-key', 'create', '--help'], { cwd });
    expect(createHelp.stdout).toMatch(/--role <role>/);
  }, 60_000);
});

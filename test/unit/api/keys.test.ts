/** API keys: shape, hashing, and verification against the real (embedded) memory store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyId,
  createApiKey,
  createKeyVerifier,
  generateApiKey,
  hashApiKey,
  hashMatches,
} from '../../../src/api/index.js';
import { createLogger } from '../../../src/common/logger.js';
import { redactSecrets } from '../../../src/common/redact.js';
import { type MemoryStore, openMemoryStore } from '../../../src/memory/index.js';

describe('API key format and hashing', () => {
  it('makes 256-bit keys whose id is readable from the key, and stores only a SHA-256', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(apiKeyId(a.key)).toBe(a.id);
    expect(a.id).toMatch(/^key_[0-9a-f]{16}$/);
    expect(a.keyHash).toBe(hashApiKey(a.key));
    expect(a.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.keyHash).not.toContain(a.key.slice(21));
    expect(redactSecrets(`Bearer ${a.key}`)).toBe('Bearer ***');
  });

  it('derives the same key from the same random bytes (no hidden state)', () => {
    const fixed = (size: number) => Buffer.alloc(size, 7);
    expect(generateApiKey(fixed)).toEqual(generateApiKey(fixed));
  });

  it('compares hashes exactly, for any length of input', () => {
    const { key, keyHash } = generateApiKey();
    expect(hashMatches(key, keyHash)).toBe(true);
    expect(hashMatches(`${key}x`, keyHash)).toBe(false);
    expect(hashMatches(key.slice(0, -1), keyHash)).toBe(false);
    expect(hashMatches('', keyHash)).toBe(false);
    expect(hashMatches(key, 'abcd')).toBe(false);
    expect(apiKeyId('slk_short_x')).toBeUndefined();
  });
});

describe('key verification', () => {
  let memory: MemoryStore;
  beforeAll(async () => {
    memory = await openMemoryStore({ logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await memory?.close();
  });

  it('accepts a stored key as an api actor named after the key, and refuses forged, unknown and revoked ones', async () => {
    const verify = createKeyVerifier({ keys: async () => memory.apiKeys });
    const { record, key } = await createApiKey(memory.apiKeys, { name: 'dashboard', createdBy: 'test' });
    expect(await verify(key)).toEqual({
      ok: true,
      scope: 'api',
      actor: { kind: 'api', id: record.id, label: 'dashboard', role: 'member', remote: true },
    });
    const admin = await createApiKey(memory.apiKeys, { name: 'curator', createdBy: 'test', role: 'admin' });
    expect(await verify(admin.key)).toMatchObject({ ok: true, actor: { id: admin.record.id, role: 'admin' } });
    expect((await memory.apiKeys.find(admin.record.id))?.role).toBe('admin');
    // same id, different secret: found by id, refused by hash
    const forged = `${key.slice(0, 21)}${'A'.repeat(43)}`;
    expect(await verify(forged)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verify(generateApiKey().key)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect((await memory.apiKeys.find(record.id))?.lastUsedAt).toBeInstanceOf(Date);

    await memory.apiKeys.revoke(record.id, new Date());
    expect(await verify(key)).toEqual({ ok: false, reason: 'revoked' });
    const listed = await memory.apiKeys.list();
    expect(listed.find((k) => k.id === record.id)?.revokedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(key);
  });

  it('accepts configured tokens, and the metrics token only with the metrics scope', async () => {
    const token = 't'.repeat(40);
    const metricsToken = 'm'.repeat(40);
    const adminToken = 'a'.repeat(40);
    const verify = createKeyVerifier({
      tokens: [
        { name: 'ci', token },
        { name: 'ops', token: adminToken, role: 'admin' },
      ],
      metricsToken,
    });
    expect(await verify(token)).toMatchObject({
      ok: true,
      scope: 'api',
      actor: { kind: 'api', id: 'token:ci', label: 'ci', role: 'member', remote: true },
    });
    expect(await verify(adminToken)).toMatchObject({ ok: true, actor: { id: 'token:ops', role: 'admin' } });
    expect(await verify(metricsToken)).toMatchObject({ ok: true, scope: 'metrics' });
    expect(await verify(`${token}x`)).toEqual({ ok: false, reason: 'invalid' });
  });
});

/**
 * API keys: `slk_<16 hex id>_<43 chars base64url secret>` (256 random bits). Only the SHA-256 of the whole key is
 * stored; a presented key is found by its id and its hash compared in constant time. A plain hash is enough for keys
 * of this entropy (nothing to brute-force); the id in the key makes lookup an index hit, not a scan over hashes.
 *
 * Static bearer tokens from configuration (`api.tokens`) are compared the same way, against every configured token.
 * Every key and token carries a role (`member` unless it says `admin`) onto its actor; see ActorRole.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, ActorRole } from '../common/actor.js';
import type { ApiKeyMemory, ApiKeyRecord } from '../memory/index.js';

const KEY_SHAPE = /^slk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  id: string;
  key: string;
  keyHash: string;
}

/** A new key: id `key_<hex>`, the key string to show once, and the hash to store. */
export function generateApiKey(random: (size: number) => Buffer = randomBytes): GeneratedApiKey {
  const hex = random(8).toString('hex');
  const secret = random(32).toString('base64url');
  const key = `slk_${hex}_${secret}`;
  return { id: `key_${hex}`, key, keyHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The stored id a key claims to be, or undefined when the text does not have the key's shape. */
export function apiKeyId(key: string): string | undefined {
  const match = KEY_SHAPE.exec(key);
  return match ? `key_${match[1]}` : undefined;
}

/** Constant-time equality of a presented secret's hash and a stored hex hash. */
export function hashMatches(presented: string, storedHex: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = Buffer.from(storedHex, 'hex');
  return b.length === a.length && timingSafeEqual(a, b);
}

export function apiKeyActor(record: Pick<ApiKeyRecord, 'id' | 'name'> & { role?: ActorRole }): Actor {
  return { kind: 'api', id: record.id, label: record.name, role: record.role ?? 'member', remote: true };
}

/** The actor of a configured token: id `token:<name>`, its role (`member` unless configured `admin`). */
export function tokenActor(token: { name: string; role?: ActorRole }): Actor {
  return { kind: 'api', id: `token:${token.name}`, label: token.name, role: token.role ?? 'member', remote: true };
}

export type Verification =
  | { ok: true; actor: Actor; scope: 'api' | 'metrics' }
  | { ok: false; reason: 'missing' | 'invalid' | 'revoked' };

export interface StaticToken {
  readonly name: string;
  readonly token: string;
  /** Default member (see docs/api.md, "Roles"). */
  readonly role?: ActorRole;
}

export interface KeyVerifierDeps {
  /** The memory's API keys (undefined: only static tokens are accepted). */
  keys?: () => Promise<Pick<ApiKeyMemory, 'find' | 'touch'>>;
  tokens?: readonly StaticToken[];
  /** A token that only reads /metrics. */
  metricsToken?: string;
  now?: () => Date;
  /** last_used_at is written at most this often per key (default 60 s). */
  touchEveryMs?: number;
}

export type KeyVerifier = (presented: string | undefined) => Promise<Verification>;

export function createKeyVerifier(deps: KeyVerifierDeps): KeyVerifier {
  const now = deps.now ?? (() => new Date());
  const touchEveryMs = deps.touchEveryMs ?? 60_000;
  const touched = new Map<string, number>();
  const tokens = (deps.tokens ?? []).map((t) => ({ name: t.name, role: t.role, hash: hashApiKey(t.token) }));
  const metricsHash = deps.metricsToken ? hashApiKey(deps.metricsToken) : undefined;

  return async (presented) => {
    if (!presented) return { ok: false, reason: 'missing' };
    const id = apiKeyId(presented);
    if (id && deps.keys) {
      const keys = await deps.keys();
      const stored = await keys.find(id);
      if (!stored || !hashMatches(presented, stored.keyHash)) return { ok: false, reason: 'invalid' };
      if (stored.revokedAt) return { ok: false, reason: 'revoked' };
      const at = now();
      if (at.getTime() - (touched.get(id) ?? 0) >= touchEveryMs) {
        touched.set(id, at.getTime());
        keys.touch(id, at).catch(() => undefined);
      }
      return { ok: true, actor: apiKeyActor(stored), scope: 'api' };
    }
    // every configured token is compared, so timing does not tell which one (or whether any) came close
    let match: (typeof tokens)[number] | undefined;
    for (const token of tokens) if (hashMatches(presented, token.hash) && match === undefined) match = token;
    if (match !== undefined) return { ok: true, actor: tokenActor(match), scope: 'api' };
    if (metricsHash && hashMatches(presented, metricsHash))
      return {
        ok: true,
        actor: { kind: 'api', id: 'token:metrics', label: 'metrics', role: 'member', remote: true },
        scope: 'metrics',
      };
    return { ok: false, reason: 'invalid' };
  };
}

export const API_KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

/** Creates and stores a key; the returned `key` is the only time it exists in clear. */
export async function createApiKey(
  memory: Pick<ApiKeyMemory, 'create'>,
  input: { name: string; createdBy: string | null; role?: ActorRole },
): Promise<{ record: ApiKeyRecord; key: string }> {
  const generated = generateApiKey();
  const record = await memory.create({
    id: generated.id,
    name: input.name,
    keyHash: generated.keyHash,
    createdBy: input.createdBy,
    role: input.role ?? 'member',
  });
  return { record, key: generated.key };
}

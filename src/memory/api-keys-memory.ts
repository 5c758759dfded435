/**
 * API keys in the memory database: plain rows with the key's hash, never the key. The api module owns the key format,
 * hashing and verification; this only stores and finds.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ActorRole } from '../common/actor.js';
import { withMemoryErrors } from './errors.js';
import type { ApiKeysTable, MemoryDatabase } from './tables.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** member (the default) or admin. */
  role: ActorRole;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface StoredApiKey extends ApiKeyRecord {
  /** Hex SHA-256 of the whole key. */
  keyHash: string;
}

export interface ApiKeyMemory {
  create(input: {
    id: string;
    name: string;
    keyHash: string;
    createdBy: string | null;
    role?: ActorRole;
  }): Promise<ApiKeyRecord>;
  /** The key with its hash, revoked or not; undefined when there is no such id. */
  find(id: string): Promise<StoredApiKey | undefined>;
  /** Oldest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked (once; a second revoke keeps the first time). Undefined when there is no such id. */
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  touch(id: string, at: Date): Promise<void>;
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : 'member',
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    lastUsedAt: row.last_used_at ? toDate(row.last_used_at) : null,
    revokedAt: row.revoked_at ? toDate(row.revoked_at) : null,
  };
}

export function createApiKeyMemory(db: Kysely<MemoryDatabase>): ApiKeyMemory {
  const memory: ApiKeyMemory = {
    async create(input) {
      const row = await db
        .insertInto('api_keys')
        .values({
          id: input.id,
          name: input.name,
          key_hash: input.keyHash,
          created_by: input.createdBy,
          role: input.role ?? 'member',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },
    async find(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { ...toRecord(row), keyHash: row.key_hash } : undefined;
    },
    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async revoke(id, at) {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async touch(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
  return withMemoryErrors(memory);
}

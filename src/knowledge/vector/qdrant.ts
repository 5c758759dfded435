/**
 * The Qdrant adapter of the vector index, over the official REST client (`@qdrant/js-client-rest`).
 *
 * - One collection per knowledge kind, named `<prefix><kind>` (prefix `sleuth_` by default), cosine distance, with a
 *   keyword payload index on `connection` so the connection filter stays cheap on large collections.
 * - Qdrant accepts only unsigned integers and UUIDs as point ids. Each of our string ids maps to a name-based UUID
 *   (version 5, SHA-1, fixed Sleuth namespace), so re-upserting an id overwrites its point; our own id travels in the
 *   payload as `_sleuthId` and is what search and listIds return.
 * - A search or listIds on a collection that does not exist yet answers empty (nothing has been synced), and a delete
 *   there does nothing; an upsert there fails, since ensureCollection must run first.
 * - Every client failure becomes an UpstreamError VECTOR_INDEX_ERROR naming the operation and the collection. The api
 *   key travels only in the `api-key` header and is scrubbed from anything we put in a message.
 * - The client's own compatibility probe (a fire-and-forget GET / at construction that writes to console) is off; the
 *   adapter probes GET / once, lazily, and reports an incompatible server through the logger.
 */
import { createHash } from 'node:crypto';
import {
  QdrantClient,
  QdrantClientTimeoutError,
  QdrantClientUnexpectedResponseError,
  type Schemas,
} from '@qdrant/js-client-rest';
import { BugError, UpstreamError, UserError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { redactSecrets } from '../../common/redact.js';
import type {
  KnowledgeKind,
  VectorHit,
  VectorIndex,
  VectorPayload,
  VectorPoint,
  VectorSearchOptions,
} from './types.js';

export interface QdrantVectorIndexOptions {
  /** REST endpoint, e.g. http://localhost:6333. */
  url: string;
  apiKey?: string;
  /** Collections are `<prefix><kind>`; default `sleuth_`. */
  collectionPrefix?: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  logger?: Logger;
}

/** Payload field holding our own point id (Qdrant's id is the UUID derived from it). */
export const QDRANT_ID_FIELD = '_sleuthId';
const CONNECTION_FIELD = 'connection';
const DEFAULT_PREFIX = 'sleuth_';
const DEFAULT_TIMEOUT_MS = 30_000;
const BATCH_SIZE = 256;
const SCROLL_PAGE = 256;
/** The client's version: a server whose major differs or whose minor is more than one away is reported. */
const CLIENT_VERSION = { major: 1, minor: 18 };
/** Namespace of Sleuth's name-based point UUIDs; changing it would orphan every stored point. */
const SLEUTH_NAMESPACE = Buffer.from('6f1c2d4e8a3b4c5d9e7f0a1b2c3d4e5f', 'hex');

/** The Qdrant point id for one of our ids: a UUID v5 (SHA-1 of the Sleuth namespace and the id). */
export function qdrantPointId(id: string): string {
  const hash = createHash('sha1').update(SLEUTH_NAMESPACE).update(id, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createQdrantVectorIndex(options: QdrantVectorIndexOptions): VectorIndex {
  const prefix = options.collectionPrefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { logger, apiKey } = options;
  const client = new QdrantClient({
    url: options.url,
    ...(apiKey === undefined ? {} : { apiKey }),
    timeout: timeoutMs,
    checkCompatibility: false,
  });
  const where = describeEndpoint(options.url);
  let versionChecked = false;

  const collection = (kind: KnowledgeKind) => `${prefix}${kind}`;

  /** Runs one client call; failures become VECTOR_INDEX_ERROR naming `operation`. */
  async function call<T>(operation: string, name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const reason = scrub(describeFailure(error, timeoutMs, where), apiKey);
      throw new UpstreamError('VECTOR_INDEX_ERROR', `Qdrant ${operation} (collection ${name}) failed: ${reason}`, {
        cause: error,
        details: { operation, collection: name, status: httpStatus(error) },
      });
    }
  }

  /** Like `call`, but a missing collection yields `fallback` instead of an error. */
  async function callIfExists<T>(operation: string, name: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await call(operation, name, run);
    } catch (error) {
      if (isMissingCollection((error as Error).cause)) {
        logger?.debug({ collection: name, operation }, 'qdrant collection does not exist yet');
        return fallback;
      }
      throw error;
    }
  }

  async function checkVersion(): Promise<void> {
    if (versionChecked) return;
    versionChecked = true;
    try {
      const { version } = await client.versionInfo();
      const [major, minor] = version.split('.').map(Number);
      if (major !== CLIENT_VERSION.major || Math.abs((minor ?? 0) - CLIENT_VERSION.minor) > 1) {
        logger?.warn(
          { serverVersion: version, clientVersion: `${CLIENT_VERSION.major}.${CLIENT_VERSION.minor}` },
          'qdrant server version may be incompatible with the client',
        );
      }
    } catch (error) {
      logger?.debug({ err: scrub(describeFailure(error, timeoutMs, where), apiKey) }, 'qdrant version probe failed');
    }
  }

  async function verifyExisting(name: string, dimension: number): Promise<void> {
    const info = await call('collection info', name, () => client.getCollection(name));
    const vectors = info.config.params.vectors as { size?: number; distance?: string } | undefined;
    if (vectors?.size === undefined) {
      throw new UserError(
        'VECTOR_INDEX_ERROR',
        `Qdrant collection ${name} uses named vectors, which Sleuth does not write; drop it or choose another collectionPrefix.`,
        { details: { collection: name } },
      );
    }
    if (vectors.size !== dimension || vectors.distance !== 'Cosine') {
      throw new UserError(
        'VECTOR_INDEX_ERROR',
        `Qdrant collection ${name} holds ${vectors.size}-dimensional ${vectors.distance} vectors, but the embedder ` +
          `produces ${dimension}-dimensional vectors for cosine search (was the embedding model changed?). ` +
          'Drop the collection or choose another collectionPrefix, then sync the knowledge base again.',
        { details: { collection: name, expected: dimension, actual: vectors.size, distance: vectors.distance } },
      );
    }
    if (info.payload_schema?.[CONNECTION_FIELD] === undefined) await createConnectionIndex(name);
  }

  async function createConnectionIndex(name: string): Promise<void> {
    await call('create payload index', name, () =>
      client.createPayloadIndex(name, { field_name: CONNECTION_FIELD, field_schema: 'keyword', wait: true }),
    );
  }

  return {
    name: 'qdrant',

    async ensureCollection(kind, dimension) {
      if (!Number.isInteger(dimension) || dimension <= 0) {
        throw new BugError(`Vector dimension must be a positive integer, got ${dimension}.`);
      }
      await checkVersion();
      const name = collection(kind);
      const { exists } = await call('collection exists', name, () => client.collectionExists(name));
      if (exists) {
        await verifyExisting(name, dimension);
        return;
      }
      try {
        await call('create collection', name, () =>
          client.createCollection(name, { vectors: { size: dimension, distance: 'Cosine' } }),
        );
      } catch (error) {
        // Another process created it between our check and our create: verify what it made instead.
        if (!isAlreadyExists((error as Error).cause)) throw error;
        await verifyExisting(name, dimension);
        return;
      }
      await createConnectionIndex(name);
      logger?.info({ collection: name, dimension }, 'qdrant collection created');
    },

    async upsert(kind, points) {
      const name = collection(kind);
      for (let start = 0; start < points.length; start += BATCH_SIZE) {
        const batch = points.slice(start, start + BATCH_SIZE).map(toQdrantPoint);
        await call('upsert', name, () => client.upsert(name, { wait: true, points: batch }));
      }
    },

    async search(kind, vector, searchOptions) {
      if (searchOptions.limit <= 0) return [];
      const name = collection(kind);
      const result = await callIfExists('search', name, undefined, () =>
        client.query(name, {
          query: [...vector],
          limit: searchOptions.limit,
          with_payload: true,
          ...connectionFilter(searchOptions),
        }),
      );
      return (result?.points ?? []).map((point) => ({
        ...fromQdrantPayload(point.id, point.payload),
        score: point.score,
      }));
    },

    async delete(kind, ids) {
      const name = collection(kind);
      for (let start = 0; start < ids.length; start += BATCH_SIZE) {
        const batch = ids.slice(start, start + BATCH_SIZE).map(qdrantPointId);
        await callIfExists('delete', name, undefined, () => client.delete(name, { wait: true, points: batch }));
      }
    },

    async listIds(kind) {
      const name = collection(kind);
      const ids: string[] = [];
      let offset: Schemas['ExtendedPointId'] | undefined;
      do {
        const page = await callIfExists('scroll', name, undefined, () =>
          client.scroll(name, {
            limit: SCROLL_PAGE,
            with_payload: [QDRANT_ID_FIELD],
            with_vector: false,
            ...(offset === undefined ? {} : { offset }),
          }),
        );
        if (page === undefined) return [];
        for (const point of page.points) ids.push(fromQdrantPayload(point.id, point.payload).id);
        const next = page.next_page_offset;
        if (next !== null && next !== undefined && next === offset) {
          throw new UpstreamError('VECTOR_INDEX_ERROR', `Qdrant scroll (collection ${name}) did not advance.`);
        }
        offset = next === null || next === undefined ? undefined : (next as Schemas['ExtendedPointId']);
      } while (offset !== undefined);
      return ids;
    },

    async close() {
      versionChecked = false;
    },
  };
}

function connectionFilter(options: VectorSearchOptions): { filter?: Schemas['Filter'] } {
  if (options.connection === undefined) return {};
  return {
    filter: {
      should: [{ key: CONNECTION_FIELD, match: { value: options.connection } }, { is_null: { key: CONNECTION_FIELD } }],
    },
  };
}

function toQdrantPoint(point: VectorPoint): Schemas['PointStruct'] {
  return {
    id: qdrantPointId(point.id),
    vector: [...point.vector],
    payload: { ...point.payload, [QDRANT_ID_FIELD]: point.id },
  };
}

/** Our id and payload back from a stored point; a point we did not write keeps Qdrant's id. */
function fromQdrantPayload(
  pointId: Schemas['ExtendedPointId'],
  stored: Record<string, unknown> | null | undefined,
): Omit<VectorHit, 'score'> {
  const { [QDRANT_ID_FIELD]: ownId, ...payload } = stored ?? {};
  return {
    id: typeof ownId === 'string' ? ownId : String(pointId),
    payload: { connection: null, itemId: '', ...payload } as VectorPayload,
  };
}

/** The endpoint as it may appear in a message: origin and path, never userinfo or query. */
function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the configured Qdrant URL';
  }
}

interface ApiErrorLike {
  status: number;
  statusText?: string;
  data?: unknown;
}

function isApiError(error: unknown): error is ApiErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as ApiErrorLike).status === 'number';
}

function httpStatus(error: unknown): number | undefined {
  return isApiError(error) ? error.status : undefined;
}

/** Qdrant's error text from its envelope `{ status: { error } }`, or a plain-text body (e.g. a 401). */
function qdrantMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined;
  const error = (data as { status?: { error?: unknown } } | undefined)?.status?.error;
  return typeof error === 'string' ? error : undefined;
}

function isMissingCollection(error: unknown): boolean {
  return isApiError(error) && error.status === 404 && qdrantMessage(error.data) !== undefined;
}

function isAlreadyExists(error: unknown): boolean {
  return (
    isApiError(error) &&
    (error.status === 409 || error.status === 400) &&
    /already exists/i.test(qdrantMessage(error.data) ?? '')
  );
}

function describeFailure(error: unknown, timeoutMs: number, where: string): string {
  if (error instanceof QdrantClientTimeoutError) return `no answer from ${where} within ${timeoutMs} ms`;
  if (isApiError(error)) {
    const text = qdrantMessage(error.data);
    const status = `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    return text === undefined ? status : `${status}: ${text.slice(0, 300)}`;
  }
  if (error instanceof QdrantClientUnexpectedResponseError) return error.message.split('\n')[0] ?? error.message;
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return `cannot reach ${where}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Removes the api key (should a server or proxy echo it) and known secret shapes from a message. */
function scrub(text: string, apiKey: string | undefined): string {
  const withoutKey = apiKey ? text.split(apiKey).join('***') : text;
  return redactSecrets(withoutKey);
}

/**
 * The Qdrant vector index through the real `@qdrant/js-client-rest` client against a local Qdrant REST peer:
 * collections, upsert, cosine search with the connection filter, delete, paged listIds, api key, failures.
 */
import { Writable } from 'node:stream';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSleuthError } from '../../../src/common/errors.js';
import { createLogger } from '../../../src/common/logger.js';
import { createQdrantVectorIndex, QDRANT_ID_FIELD, qdrantPointId } from '../../../src/knowledge/vector/qdrant.js';
import type { VectorIndex, VectorPoint } from '../../../src/knowledge/vector/types.js';
import { silentLogger } from '../../helpers/databases.js';
import { type QdrantPeer, startQdrantPeer } from '../../peers/qdrant-peer.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function point(id: string, vector: number[], connection: string | null, extra: Record<string, unknown> = {}) {
  return { id, vector, payload: { itemId: `item-${id}`, connection, ...extra } } satisfies VectorPoint;
}

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; fault?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

/** A deterministic pseudo-random unit-ish vector (no Math.random, so failures reproduce). */
function vectorFor(seed: number, dimension: number): number[] {
  return Array.from({ length: dimension }, (_, i) => {
    const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    return x - Math.floor(x) - 0.5;
  });
}

describe('Qdrant vector index against a Qdrant REST peer', () => {
  let peer: QdrantPeer;
  let index: VectorIndex;

  beforeEach(async () => {
    peer = await startQdrantPeer();
    index = createQdrantVectorIndex({ url: peer.url, logger: silentLogger });
  });

  afterEach(async () => {
    await index.close();
    await peer.close();
  });

  it('derives deterministic UUID v5 point ids from our ids', () => {
    expect(qdrantPointId('orders.total')).toMatch(UUID_V5);
    expect(qdrantPointId('orders.total')).toBe(qdrantPointId('orders.total'));
    expect(qdrantPointId('orders.total')).not.toBe(qdrantPointId('orders.totals'));
    expect(qdrantPointId('')).toMatch(UUID_V5);
  });

  it('creates a cosine collection per kind with a connection index, once', async () => {
    await index.ensureCollection('doc', 3);
    await index.ensureCollection('doc', 3);
    await index.ensureCollection('schema', 5);

    expect(index.name).toBe('qdrant');
    const doc = peer.collections.get('sleuth_doc');
    expect(doc).toMatchObject({ size: 3, distance: 'Cosine', payloadSchema: { connection: 'keyword' } });
    expect(peer.collections.get('sleuth_schema')?.size).toBe(5);
    const creates = peer.requests.filter((r) => r.method === 'PUT' && r.path === '/collections/sleuth_doc');
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({ vectors: { size: 3, distance: 'Cosine' } });
    expect(peer.requests.filter((r) => r.method === 'GET' && r.path === '/')).toHaveLength(1);
  });

  it('uses the configured collection prefix', async () => {
    const prefixed = createQdrantVectorIndex({ url: peer.url, collectionPrefix: 'kb_' });
    await prefixed.ensureCollection('verified_query', 2);
    await prefixed.upsert('verified_query', [point('q1', [1, 0], 'demo')]);
    expect([...peer.collections.keys()]).toEqual(['kb_verified_query']);
    expect(await prefixed.listIds('verified_query')).toEqual(['q1']);
  });

  it('refuses an existing collection with another dimension or distance, naming both', async () => {
    await index.ensureCollection('doc', 3);
    const mismatch = await failure(index.ensureCollection('doc', 4));
    expect(mismatch).toMatchObject({ code: 'VECTOR_INDEX_ERROR', fault: 'user' });
    expect(mismatch.message).toContain('sleuth_doc holds 3-dimensional');
    expect(mismatch.message).toContain('4-dimensional');

    const raw = new QdrantClient({ url: peer.url, checkCompatibility: false });
    await raw.createCollection('sleuth_schema', { vectors: { size: 4, distance: 'Dot' } });
    const distance = await failure(index.ensureCollection('schema', 4));
    expect(distance).toMatchObject({ code: 'VECTOR_INDEX_ERROR' });
    expect(distance.message).toContain('Dot');
  });

  it('adds the connection index to an existing collection created without it', async () => {
    const raw = new QdrantClient({ url: peer.url, checkCompatibility: false });
    await raw.createCollection('sleuth_doc', { vectors: { size: 2, distance: 'Cosine' } });
    expect(peer.collections.get('sleuth_doc')?.payloadSchema).toEqual({});
    await index.ensureCollection('doc', 2);
    expect(peer.collections.get('sleuth_doc')?.payloadSchema).toEqual({ connection: 'keyword' });
  });

  it('upserts under UUIDs and searches by cosine, returning our ids, scores and payloads', async () => {
    await index.ensureCollection('doc', 3);
    const points = [
      point('glossary/churn', [1, 0, 0], null, { title: 'Churn' }),
      point('notes/revenue#2', [0.7, 0.7, 0], 'sales'),
      point('notes/ops', [0, 0, 1], 'sales'),
      point('notes/mixed', [0.2, 1, 0.1], 'sales'),
    ];
    await index.upsert('doc', points);

    const upsert = peer.requests.find((r) => r.method === 'PUT' && r.path === '/collections/sleuth_doc/points');
    expect(upsert?.query).toMatchObject({ wait: 'true' });
    const wireIds = ((upsert?.body.points ?? []) as { id: string }[]).map((p) => p.id);
    expect(wireIds).toEqual(points.map((p) => qdrantPointId(p.id)));
    expect(upsert?.body.points[0].payload).toMatchObject({ [QDRANT_ID_FIELD]: 'glossary/churn', title: 'Churn' });

    const query = [0.9, 0.3, 0];
    const hits = await index.search('doc', query, { limit: 3 });
    const expected = points
      .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 3);
    expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    for (const [i, hit] of hits.entries()) expect(hit.score).toBeCloseTo(expected[i]!.score, 10);
    expect(hits[0]?.payload).toEqual({ itemId: 'item-glossary/churn', connection: null, title: 'Churn' });
    const queryRequest = peer.requests.find((r) => r.path === '/collections/sleuth_doc/points/query');
    expect(queryRequest?.body).toMatchObject({ query, limit: 3, with_payload: true });
  });

  it('overwrites a point upserted again under the same id', async () => {
    await index.ensureCollection('doc', 2);
    await index.upsert('doc', [point('a', [1, 0], null, { v: 1 })]);
    await index.upsert('doc', [point('a', [0, 1], null, { v: 2 })]);
    expect(peer.collections.get('sleuth_doc')?.points.size).toBe(1);
    const [hit] = await index.search('doc', [0, 1], { limit: 5 });
    expect(hit).toMatchObject({ id: 'a', payload: { v: 2 } });
    expect(hit?.score).toBeCloseTo(1, 10);
  });

  it('filters by connection: that connection and shared items only', async () => {
    await index.ensureCollection('verified_query', 2);
    await index.upsert('verified_query', [
      point('other-conn', [1, 0], 'ops'),
      point('same-conn', [0.6, 0.8], 'sales'),
      point('shared', [0, 1], null),
    ]);
    const filtered = await index.search('verified_query', [1, 0], { limit: 10, connection: 'sales' });
    expect(filtered.map((h) => h.id)).toEqual(['same-conn', 'shared']);
    const request = peer.requests.filter((r) => r.path.endsWith('/points/query')).at(-1);
    expect(request?.body.filter).toEqual({
      should: [{ key: 'connection', match: { value: 'sales' } }, { is_null: { key: 'connection' } }],
    });

    const all = await index.search('verified_query', [1, 0], { limit: 10 });
    expect(all.map((h) => h.id)).toEqual(['other-conn', 'same-conn', 'shared']);
    expect(await index.search('verified_query', [1, 0], { limit: 10, connection: 'nowhere' })).toEqual([
      expect.objectContaining({ id: 'shared' }),
    ]);
  });

  it('deletes by our ids and leaves the rest', async () => {
    await index.ensureCollection('schema', 2);
    await index.upsert('schema', [point('t1', [1, 0], 'a'), point('t2', [0, 1], 'a'), point('t3', [1, 1], 'a')]);
    await index.delete('schema', ['t1', 't3', 'never-stored']);
    expect(await index.listIds('schema')).toEqual(['t2']);
    expect((await index.search('schema', [1, 0], { limit: 5 })).map((h) => h.id)).toEqual(['t2']);
    const request = peer.requests.find((r) => r.path === '/collections/sleuth_schema/points/delete');
    expect(request?.body.points).toEqual(['t1', 't3', 'never-stored'].map(qdrantPointId));
  });

  it('lists every id by paging through scroll', async () => {
    await index.ensureCollection('doc', 2);
    const ids = Array.from({ length: 600 }, (_, i) => `doc-${i}`);
    await index.upsert(
      'doc',
      ids.map((id, i) => point(id, [1, i], null)),
    );
    const listed = await index.listIds('doc');
    expect(listed).toHaveLength(600);
    expect(new Set(listed)).toEqual(new Set(ids));
    const scrolls = peer.requests.filter((r) => r.path === '/collections/sleuth_doc/points/scroll');
    expect(scrolls).toHaveLength(3);
    expect(scrolls[0]?.body.offset).toBeUndefined();
    expect(scrolls[1]?.body.offset).toMatch(UUID_V5);
    expect(scrolls[0]?.body.with_payload).toEqual([QDRANT_ID_FIELD]);
  });

  it('answers empty for a kind whose collection does not exist yet, but refuses to upsert into it', async () => {
    expect(await index.search('doc', [1, 0], { limit: 5 })).toEqual([]);
    expect(await index.listIds('doc')).toEqual([]);
    await index.delete('doc', ['x']);
    const error = await failure(index.upsert('doc', [point('x', [1, 0], null)]));
    expect(error).toMatchObject({ code: 'VECTOR_INDEX_ERROR', fault: 'upstream' });
    expect(error.message).toContain("HTTP 404 Not Found: Not found: Collection `sleuth_doc` doesn't exist!");
  });

  it("reports a wrong vector dimension with Qdrant's own message", async () => {
    await index.ensureCollection('doc', 3);
    const error = await failure(index.upsert('doc', [point('x', [1, 0], null)]));
    expect(error).toMatchObject({ code: 'VECTOR_INDEX_ERROR', details: { operation: 'upsert', status: 400 } });
    expect(error.message).toContain('expected dim: 3, got 2');
  });

  it('round-trips 2,000 points in batches', async () => {
    const dimension = 16;
    await index.ensureCollection('verified_query', dimension);
    const points = Array.from({ length: 2000 }, (_, i) =>
      point(`vq-${i}`, vectorFor(i, dimension), i % 3 === 0 ? null : `conn-${i % 2}`),
    );
    await index.upsert('verified_query', points);

    const upserts = peer.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/points'));
    expect(upserts.map((r) => r.body.points.length)).toEqual([256, 256, 256, 256, 256, 256, 256, 208]);
    expect(peer.collections.get('sleuth_verified_query')?.points.size).toBe(2000);
    expect(new Set(await index.listIds('verified_query'))).toEqual(new Set(points.map((p) => p.id)));

    const probe = points[1234]!;
    const hits = await index.search('verified_query', probe.vector, { limit: 5, connection: 'conn-0' });
    expect(hits[0]).toMatchObject({ id: 'vq-1234', payload: { connection: 'conn-0' } });
    expect(hits[0]?.score).toBeCloseTo(1, 10);
    expect(hits).toHaveLength(5);
    for (const hit of hits) expect([null, 'conn-0']).toContain(hit.payload.connection);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
  });

  it('maps a server error to VECTOR_INDEX_ERROR with a clean message, then recovers', async () => {
    await index.ensureCollection('doc', 2);
    peer.failNext({ status: 500 });
    const error = await failure(index.upsert('doc', [point('a', [1, 0], null)]));
    expect(isSleuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'VECTOR_INDEX_ERROR', fault: 'upstream', details: { status: 500 } });
    expect(error.message).toBe(
      'Qdrant upsert (collection sleuth_doc) failed: HTTP 500 Internal Server Error: ' +
        'Service internal error: injected failure (500)',
    );
    await index.upsert('doc', [point('a', [1, 0], null)]);
    expect(await index.listIds('doc')).toEqual(['a']);
  });

  it('times out a hanging server', async () => {
    const impatient = createQdrantVectorIndex({ url: peer.url, timeoutMs: 200 });
    peer.failNext({ hang: true, path: /\/points\/query$/ });
    await impatient.ensureCollection('doc', 2);
    const started = Date.now();
    const error = await failure(impatient.search('doc', [1, 0], { limit: 1 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'VECTOR_INDEX_ERROR' });
    expect(error.message).toBe(
      `Qdrant search (collection sleuth_doc) failed: no answer from ${peer.url} within 200 ms`,
    );
  });

  it('says when the server cannot be reached', async () => {
    const closed = await startQdrantPeer();
    await closed.close();
    const unreachable = createQdrantVectorIndex({ url: closed.url });
    const error = await failure(unreachable.ensureCollection('doc', 2));
    expect(error).toMatchObject({ code: 'VECTOR_INDEX_ERROR' });
    expect(error.message).toContain(`cannot reach ${closed.url} (ECONNREFUSED)`);
  });

  it('logs a server version the client may not support', async () => {
    const old = await startQdrantPeer({ version: '1.12.0' });
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    try {
      const logged = createQdrantVectorIndex({ url: old.url, logger: createLogger({ level: 'warn', destination }) });
      await logged.ensureCollection('doc', 2);
      await logged.ensureCollection('doc', 2);
      const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(warnings).toEqual([expect.objectContaining({ serverVersion: '1.12.0', level: 40 })]);
    } finally {
      await old.close();
    }
  });
});

describe('Qdrant vector index with an api key', () => {
  const apiKey = 'qdrant-key-7f3e9a1c5b';
  let peer: QdrantPeer;

  beforeEach(async () => {
    peer = await startQdrantPeer({ apiKey });
    // The client warns on console when a key goes over plain http; the peer is local.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await peer.close();
  });

  it('sends the key on every request', async () => {
    const index = createQdrantVectorIndex({ url: peer.url, apiKey });
    await index.ensureCollection('doc', 2);
    await index.upsert('doc', [point('a', [1, 0], null)]);
    expect(await index.search('doc', [1, 0], { limit: 1 })).toHaveLength(1);
    expect(peer.requests.length).toBeGreaterThan(4);
    for (const request of peer.requests) expect(request.headers['api-key']).toBe(apiKey);
  });

  it('fails with 401 without leaking a wrong or missing key', async () => {
    const wrongKey = 'qdrant-key-WRONG-0000';
    const wrong = await failure(createQdrantVectorIndex({ url: peer.url, apiKey: wrongKey }).listIds('doc'));
    expect(wrong).toMatchObject({ code: 'VECTOR_INDEX_ERROR', details: { status: 401 } });
    expect(wrong.message).toBe(
      'Qdrant scroll (collection sleuth_doc) failed: HTTP 401 Unauthorized: Invalid API key or JWT',
    );
    const everything = JSON.stringify({ message: wrong.message, details: (wrong as { details?: unknown }).details });
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(apiKey);

    const missing = await failure(createQdrantVectorIndex({ url: peer.url }).ensureCollection('doc', 2));
    expect(missing.message).toContain(
      'HTTP 401 Unauthorized: Must provide an API key or an Authorization bearer token',
    );
    expect(peer.collections.size).toBe(0);
  });
});

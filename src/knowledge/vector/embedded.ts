/**
 * The embedded vector index: no server. Points are persisted in the memory store (PGlite by default) and searched
 * in process by brute-force cosine over a Float32Array per collection, loaded lazily and kept in step with writes.
 * Brute force is exact and fast enough for a knowledge base (10k x 384 dims is a few milliseconds; see bench/faq).
 */
import { UpstreamError } from '../../common/errors.js';
import type { KnowledgeMemory } from '../../memory/index.js';
import type {
  KnowledgeKind,
  VectorHit,
  VectorIndex,
  VectorPayload,
  VectorPoint,
  VectorSearchOptions,
} from './types.js';

interface Collection {
  dimension: number;
  ids: string[];
  payloads: VectorPayload[];
  /** Row-major, each row L2-normalised. */
  matrix: Float32Array;
  position: Map<string, number>;
}

export function createEmbeddedVectorIndex(memory: KnowledgeMemory): VectorIndex {
  const collections = new Map<KnowledgeKind, Promise<Collection>>();

  function build(
    dimension: number,
    points: readonly { id: string; vector: readonly number[]; payload: VectorPayload }[],
  ) {
    const collection: Collection = {
      dimension,
      ids: [],
      payloads: [],
      matrix: new Float32Array(Math.max(16, points.length) * dimension),
      position: new Map(),
    };
    for (const point of points) put(collection, point);
    return collection;
  }

  function put(c: Collection, point: { id: string; vector: readonly number[]; payload: VectorPayload }) {
    if (point.vector.length !== c.dimension) {
      throw new UpstreamError(
        'VECTOR_INDEX_ERROR',
        `vector for ${point.id} has ${point.vector.length} dimensions; the collection has ${c.dimension}`,
      );
    }
    let row = c.position.get(point.id);
    if (row === undefined) {
      row = c.ids.length;
      if ((row + 1) * c.dimension > c.matrix.length) {
        const grown = new Float32Array(c.matrix.length * 2);
        grown.set(c.matrix);
        c.matrix = grown;
      }
      c.ids.push(point.id);
      c.payloads.push(point.payload);
      c.position.set(point.id, row);
    } else {
      c.payloads[row] = point.payload;
    }
    let norm = 0;
    for (const v of point.vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    const offset = row * c.dimension;
    for (let i = 0; i < c.dimension; i++) c.matrix[offset + i] = (point.vector[i] as number) / norm;
  }

  async function collection(kind: KnowledgeKind): Promise<Collection | undefined> {
    const existing = collections.get(kind);
    if (existing) return existing;
    const dimension = await memory.collectionDimension(kind);
    if (dimension === undefined) return undefined;
    const loading = memory.listVectors(kind).then((rows) =>
      build(
        dimension,
        rows.map((r) => ({ id: r.id, vector: r.vector, payload: r.payload as VectorPayload })),
      ),
    );
    collections.set(kind, loading);
    return loading;
  }

  async function required(kind: KnowledgeKind): Promise<Collection> {
    const c = await collection(kind);
    if (!c) throw new UpstreamError('VECTOR_INDEX_ERROR', `the ${kind} collection does not exist yet`);
    return c;
  }

  return {
    name: 'embedded',
    async ensureCollection(kind, dimension) {
      const current = await memory.collectionDimension(kind);
      if (current === dimension) return;
      if (current !== undefined) {
        // A different embedder: the old vectors are meaningless for the new one, so the collection starts over.
        const ids = (await memory.listVectors(kind)).map((v) => v.id);
        await memory.deleteVectors(kind, ids);
      }
      await memory.setCollectionDimension(kind, dimension);
      collections.set(kind, Promise.resolve(build(dimension, [])));
    },
    async upsert(kind, points: readonly VectorPoint[]) {
      const c = await required(kind);
      for (const point of points) {
        if (point.vector.length !== c.dimension) {
          throw new UpstreamError(
            'VECTOR_INDEX_ERROR',
            `vector for ${point.id} has ${point.vector.length} dimensions; the collection has ${c.dimension}`,
          );
        }
      }
      await memory.upsertVectors(
        kind,
        points.map((p) => ({
          id: p.id,
          connection: p.payload.connection,
          vector: [...p.vector],
          payload: { ...p.payload },
        })),
      );
      for (const point of points) put(c, point);
    },
    async search(kind, vector, options: VectorSearchOptions): Promise<VectorHit[]> {
      const c = await collection(kind);
      if (!c || c.ids.length === 0) return [];
      let norm = 0;
      for (const v of vector) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      const hits: VectorHit[] = [];
      for (let row = 0; row < c.ids.length; row++) {
        const payload = c.payloads[row] as VectorPayload;
        if (
          options.connection !== undefined &&
          payload.connection !== null &&
          payload.connection !== options.connection
        ) {
          continue;
        }
        const offset = row * c.dimension;
        let dot = 0;
        for (let i = 0; i < c.dimension; i++) dot += (c.matrix[offset + i] as number) * (vector[i] as number);
        hits.push({ id: c.ids[row] as string, score: dot / norm, payload });
      }
      hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      return hits.slice(0, options.limit);
    },
    async delete(kind, ids) {
      await memory.deleteVectors(kind, ids);
      const c = await collection(kind);
      if (!c) return;
      const drop = new Set(ids);
      const keep = c.ids
        .map((id, row) => ({ id, row }))
        .filter((e) => !drop.has(e.id))
        .map((e) => ({
          id: e.id,
          vector: Array.from(c.matrix.subarray(e.row * c.dimension, (e.row + 1) * c.dimension)),
          payload: c.payloads[e.row] as VectorPayload,
        }));
      collections.set(kind, Promise.resolve(build(c.dimension, keep)));
    },
    async listIds(kind) {
      const c = await collection(kind);
      return c ? [...c.ids] : [];
    },
    async close() {
      collections.clear();
    },
  };
}

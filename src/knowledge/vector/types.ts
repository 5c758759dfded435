/**
 * The vector index behind knowledge retrieval. Two adapters: Qdrant (when QDRANT_URL is set) and an embedded
 * in-process index persisted in the memory store. Collections are per knowledge kind; points carry the connection
 * they belong to so searches can filter by it.
 */

/** What a collection holds: verified queries (their phrasings), docs (glossary, notes), schema (tables/columns). */
export type KnowledgeKind = 'verified_query' | 'doc' | 'schema';

export const KNOWLEDGE_KINDS: readonly KnowledgeKind[] = ['verified_query', 'doc', 'schema'];

export interface VectorPayload {
  /** Our own id of the knowledge item (a verified query name, a doc chunk id, a table name). */
  readonly itemId: string;
  /** Connection the item belongs to; null for items valid everywhere (e.g. a glossary term). */
  readonly connection: string | null;
  /** Free-form extra fields, stored and returned unchanged. */
  readonly [key: string]: unknown;
}

export interface VectorPoint {
  /** Stable point id; adapters map it to what their store accepts (Qdrant: a UUID derived from it). */
  readonly id: string;
  readonly vector: readonly number[];
  readonly payload: VectorPayload;
}

export interface VectorHit {
  readonly id: string;
  /** Cosine similarity in [-1, 1]; higher is closer. */
  readonly score: number;
  readonly payload: VectorPayload;
}

export interface VectorSearchOptions {
  readonly limit: number;
  /** Only points whose payload.connection equals this value or is null (shared items). */
  readonly connection?: string;
}

export interface VectorIndex {
  /** Adapter name for logs and `sleuth kb` output: 'qdrant' or 'embedded'. */
  readonly name: string;
  /** Creates the collection for a kind if missing (cosine distance, given dimension); idempotent. */
  ensureCollection(kind: KnowledgeKind, dimension: number): Promise<void>;
  upsert(kind: KnowledgeKind, points: readonly VectorPoint[]): Promise<void>;
  search(kind: KnowledgeKind, vector: readonly number[], options: VectorSearchOptions): Promise<VectorHit[]>;
  delete(kind: KnowledgeKind, ids: readonly string[]): Promise<void>;
  /** Ids of every point in a collection (to drop what no longer exists in knowledge/ at sync). */
  listIds(kind: KnowledgeKind): Promise<string[]>;
  close(): Promise<void>;
}

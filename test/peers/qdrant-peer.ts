/**
 * A local Qdrant REST server (node:http on 127.0.0.1, random port) for tests, serving the endpoints the vector index
 * adapter calls, with Qdrant's shapes: GET / (version info), GET /collections, GET /collections/{name}/exists,
 * GET|PUT /collections/{name}, PUT /collections/{name}/index, PUT /collections/{name}/points (upsert),
 * POST /collections/{name}/points/{query,search,scroll,delete}.
 *
 * Faithful where the adapter depends on it: the `{ result, status: 'ok', time }` envelope; errors as
 * `{ status: { error }, time }` (404 for an unknown collection, 409 when creating an existing one, 400 for a wrong
 * vector dimension or an invalid point id); point ids are unsigned integers or UUIDs; cosine vectors are normalised at
 * upsert and scored for real; filters (must/should/must_not, nested filters, has_id, match value/any/except, is_null,
 * is_empty) are evaluated for real; scroll is ordered by id with `next_page_offset`. With `apiKey`, every path but the
 * health whitelist (/, /healthz, /readyz, /livez) needs the `api-key` header or a bearer token (401, plain text, like
 * the real server). `failNext` makes the next matching requests answer an error status or hang.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface QdrantPeerOptions {
  /** When set, requests must carry it in `api-key` or `authorization: Bearer` (401 otherwise). */
  apiKey?: string;
  /** Version reported by GET /; default 1.18.0 (same minor as the client, so no compatibility warning). */
  version?: string;
}

export interface QdrantRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies are inspected freely by tests
  body: any;
}

export interface QdrantFault {
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Status to answer with; default 500. Ignored when `hang`. */
  status?: number;
  /** Never answer (until the client gives up or the peer closes). */
  hang?: boolean;
  /** Which requests (by path) the fault applies to; default every path under /collections. */
  path?: RegExp;
}

export interface PeerPoint {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
  version: number;
}

export interface PeerCollection {
  size: number;
  distance: Distance;
  points: Map<string, PeerPoint>;
  payloadSchema: Record<string, string>;
}

export interface QdrantPeer {
  /** Base URL (http://127.0.0.1:PORT). */
  url: string;
  /** Every request received, in order, including unauthorised and failed ones. */
  requests: QdrantRecordedRequest[];
  /** The stored state, for assertions. */
  collections: ReadonlyMap<string, PeerCollection>;
  failNext(fault?: QdrantFault): void;
  close(): Promise<void>;
}

export type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';
type Json = Record<string, unknown>;

class PeerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DISTANCES: readonly Distance[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];
const AUTH_WHITELIST = [/^\/$/, /^\/healthz$/, /^\/readyz/, /^\/livez/];
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export async function startQdrantPeer(options: QdrantPeerOptions = {}): Promise<QdrantPeer> {
  const requests: QdrantRecordedRequest[] = [];
  const collections = new Map<string, PeerCollection>();
  const faults: Required<QdrantFault>[] = [];
  let operationId = 0;

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://peer');
    const text = Buffer.concat(chunks).toString('utf8');
    const record: QdrantRecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
    };
    requests.push(record);
    const time = () => Number(process.hrtime.bigint() - started) / 1e9;
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

    if (options.apiKey !== undefined && !AUTH_WHITELIST.some((p) => p.test(url.pathname)) && !authorised(req)) {
      const message = req.headers['api-key'] || req.headers.authorization ? 'Invalid API key or JWT' : MISSING_KEY;
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
      return;
    }
    const fault = faults.find((f) => f.path.test(url.pathname));
    if (fault) {
      if (--fault.count <= 0) faults.splice(faults.indexOf(fault), 1);
      if (fault.hang) return;
      send(fault.status, { status: { error: `Service internal error: injected failure (${fault.status})` }, time: 0 });
      return;
    }
    try {
      record.body = text.length > 0 ? parseJson(text) : undefined;
      const result = route(record);
      if (url.pathname === '/') send(200, result);
      else send(200, { result, status: 'ok', time: time() });
    } catch (error) {
      const status = error instanceof PeerError ? error.status : 500;
      const message = error instanceof PeerError ? error.message : `Service internal error: ${String(error)}`;
      send(status, { status: { error: message }, time: time() });
    }
  });

  function authorised(req: IncomingMessage): boolean {
    return req.headers['api-key'] === options.apiKey || req.headers.authorization === `Bearer ${options.apiKey}`;
  }

  function route(r: QdrantRecordedRequest): unknown {
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
    const at = (method: string, ...shape: string[]) =>
      r.method === method && parts.length === shape.length && shape.every((s, i) => s === '*' || s === parts[i]);
    const name = parts[1] ?? '';
    const wait = r.query.wait === 'true';
    if (at('GET')) return { title: 'qdrant - vector search engine', version: options.version ?? '1.18.0' };
    if (at('GET', 'collections')) return { collections: [...collections.keys()].map((n) => ({ name: n })) };
    if (at('GET', 'collections', '*', 'exists')) return { exists: collections.has(name) };
    if (at('GET', 'collections', '*')) return collectionInfo(name, get(name));
    if (at('PUT', 'collections', '*')) return createCollection(name, r.body);
    if (at('PUT', 'collections', '*', 'index')) {
      const { field_name, field_schema } = r.body ?? {};
      if (typeof field_name !== 'string') throw badJson('missing field `field_name`');
      get(name).payloadSchema[field_name] = typeof field_schema === 'string' ? field_schema : 'keyword';
      return update(wait);
    }
    if (at('PUT', 'collections', '*', 'points')) return upsert(get(name), r.body, wait);
    if (at('POST', 'collections', '*', 'points', 'query')) {
      const body = r.body ?? {};
      if (!Array.isArray(body.query)) throw new PeerError(400, 'Bad request: the peer only serves `query: [vector]`');
      return { points: nearest(get(name), body.query, body, body.with_payload ?? false) };
    }
    if (at('POST', 'collections', '*', 'points', 'search')) {
      const body = r.body ?? {};
      if (!Array.isArray(body.vector)) throw badJson('missing field `vector`');
      return nearest(get(name), body.vector, body, body.with_payload ?? false);
    }
    if (at('POST', 'collections', '*', 'points', 'scroll')) return scroll(get(name), r.body ?? {});
    if (at('POST', 'collections', '*', 'points', 'delete')) return deletePoints(get(name), r.body ?? {}, wait);
    throw new PeerError(404, `Not found: ${r.method} ${r.path} is not served by the Qdrant peer`);
  }

  function get(name: string): PeerCollection {
    const found = collections.get(name);
    if (!found) throw new PeerError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  }

  function createCollection(name: string, body: Json | undefined): boolean {
    const vectors = body?.vectors as { size?: unknown; distance?: unknown } | undefined;
    if (!vectors || !Number.isInteger(vectors.size) || (vectors.size as number) <= 0) {
      throw new PeerError(422, 'Validation error in JSON body: [vectors.size: value must be a positive integer]');
    }
    if (!DISTANCES.includes(vectors.distance as Distance)) {
      throw badJson(`unknown variant \`${String(vectors.distance)}\`, expected one of ${DISTANCES.join(', ')}`);
    }
    if (collections.has(name)) throw new PeerError(409, `Wrong input: Collection \`${name}\` already exists!`);
    const size = vectors.size as number;
    collections.set(name, { size, distance: vectors.distance as Distance, points: new Map(), payloadSchema: {} });
    return true;
  }

  function update(wait: boolean) {
    return { operation_id: ++operationId, status: wait ? 'completed' : 'acknowledged' };
  }

  function upsert(c: PeerCollection, body: Json | undefined, wait: boolean) {
    if (!Array.isArray(body?.points)) throw badJson('the peer serves the `points` form of upsert only');
    const prepared = (body.points as Json[]).map((p) => {
      const id = pointId(p.id);
      const vector = checkVector(c, p.vector);
      const payload = (p.payload ?? {}) as Json;
      return { id, vector: c.distance === 'Cosine' ? normalise(vector) : vector, payload };
    });
    const result = update(wait);
    for (const p of prepared) c.points.set(key(p.id), { ...p, version: result.operation_id });
    return result;
  }

  function nearest(c: PeerCollection, query: unknown, body: Json, withPayload: unknown) {
    const q = checkVector(c, query);
    const target = c.distance === 'Cosine' ? normalise(q) : q;
    const limit = (body.limit as number | undefined) ?? 10;
    const offset = (body.offset as number | undefined) ?? 0;
    const threshold = body.score_threshold as number | undefined;
    const ascending = c.distance === 'Euclid' || c.distance === 'Manhattan';
    return [...c.points.values()]
      .filter((p) => matchesFilter(body.filter as Json | undefined, p))
      .map((p) => ({ p, score: score(c.distance, target, p.vector) }))
      .filter(({ score: s }) => threshold === undefined || (ascending ? s <= threshold : s >= threshold))
      .sort((a, b) => (ascending ? a.score - b.score : b.score - a.score))
      .slice(offset, offset + limit)
      .map(({ p, score: s }) => ({ id: p.id, version: p.version, score: s, ...selectPayload(p, withPayload) }));
  }

  function scroll(c: PeerCollection, body: Json) {
    const limit = (body.limit as number | undefined) ?? 10;
    const ordered = [...c.points.values()]
      .filter((p) => matchesFilter(body.filter as Json | undefined, p))
      .sort((a, b) => compareIds(a.id, b.id));
    const from = body.offset === undefined || body.offset === null ? undefined : pointId(body.offset);
    const start = from === undefined ? 0 : ordered.findIndex((p) => compareIds(p.id, from) >= 0);
    const page = start < 0 ? [] : ordered.slice(start, start + limit);
    const next = start < 0 ? undefined : ordered[start + limit];
    return {
      points: page.map((p) => ({
        id: p.id,
        ...selectPayload(p, body.with_payload ?? true),
        ...(body.with_vector === true ? { vector: p.vector } : {}),
      })),
      next_page_offset: next ? next.id : null,
    };
  }

  function deletePoints(c: PeerCollection, body: Json, wait: boolean) {
    if (Array.isArray(body.points)) {
      for (const id of body.points) c.points.delete(key(pointId(id)));
    } else if (body.filter !== undefined) {
      for (const [k, p] of c.points) if (matchesFilter(body.filter as Json, p)) c.points.delete(k);
    } else {
      throw badJson('data did not match any variant of untagged enum PointsSelector');
    }
    return update(wait);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    collections,
    failNext(fault = {}) {
      faults.push({
        count: fault.count ?? 1,
        status: fault.status ?? 500,
        hang: fault.hang ?? false,
        path: fault.path ?? /^\/collections/,
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

const MISSING_KEY = 'Must provide an API key or an Authorization bearer token';

function badJson(detail: string): PeerError {
  return new PeerError(400, `Format error in JSON body: ${detail}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badJson((error as Error).message);
  }
}

function collectionInfo(name: string, c: PeerCollection) {
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: 0,
    points_count: c.points.size,
    segments_count: 1,
    config: {
      params: {
        vectors: { size: c.size, distance: c.distance },
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
      optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0 },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
    },
    payload_schema: Object.fromEntries(
      Object.entries(c.payloadSchema).map(([field, type]) => [
        field,
        { data_type: type, points: [...c.points.values()].filter((p) => p.payload[field] != null).length },
      ]),
    ),
    collection_name: name,
  };
}

/** An id as Qdrant accepts it: an unsigned integer or a UUID (normalised to lowercase hyphenated form). */
function pointId(value: unknown): string | number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && UUID.test(value)) {
    const hex = value.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw badJson(
    `value ${JSON.stringify(value)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

function key(id: string | number): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id}`;
}

/** Integers first (numerically), then UUIDs (fixed-width lowercase hex, so string order is numeric order). */
function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkVector(c: PeerCollection, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw badJson('the peer serves plain (unnamed, dense) vectors only');
  }
  if (value.length !== c.size) {
    throw new PeerError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${value.length}`);
  }
  return value as number[];
}

function normalise(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? v : v.map((x) => x / norm);
}

function score(distance: Distance, a: number[], b: number[]): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (distance === 'Euclid') total += (x - y) ** 2;
    else if (distance === 'Manhattan') total += Math.abs(x - y);
    else total += x * y;
  }
  return distance === 'Euclid' ? Math.sqrt(total) : total;
}

function selectPayload(p: PeerPoint, selector: unknown): { payload?: Json } {
  if (selector === false || selector === undefined || selector === null) return {};
  if (selector === true) return { payload: p.payload };
  const pick = (keys: string[], keep: boolean) =>
    Object.fromEntries(Object.entries(p.payload).filter(([k]) => keys.includes(k) === keep));
  if (Array.isArray(selector)) return { payload: pick(selector as string[], true) };
  const s = selector as { include?: string[]; exclude?: string[] };
  if (s.include) return { payload: pick(s.include, true) };
  if (s.exclude) return { payload: pick(s.exclude, false) };
  throw badJson('data did not match any variant of untagged enum WithPayloadInterface');
}

function lookup(payload: Json, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Json)[part];
  }
  return value;
}

function matchesFilter(filter: Json | undefined | null, p: PeerPoint): boolean {
  if (filter === undefined || filter === null) return true;
  const list = (k: string) => {
    const v = filter[k];
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]) as Json[];
  };
  const should = list('should');
  return (
    list('must').every((c) => matchesCondition(c, p)) &&
    !list('must_not').some((c) => matchesCondition(c, p)) &&
    (should.length === 0 || should.some((c) => matchesCondition(c, p)))
  );
}

function matchesCondition(condition: Json, p: PeerPoint): boolean {
  if ('must' in condition || 'should' in condition || 'must_not' in condition) return matchesFilter(condition, p);
  if (Array.isArray(condition.has_id)) return condition.has_id.some((id) => key(pointId(id)) === key(p.id));
  const isNull = condition.is_null as { key?: string } | undefined;
  if (isNull?.key !== undefined) return lookup(p.payload, isNull.key) === null;
  const isEmpty = condition.is_empty as { key?: string } | undefined;
  if (isEmpty?.key !== undefined) {
    const v = lookup(p.payload, isEmpty.key);
    return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  }
  const match = condition.match as { value?: unknown; any?: unknown[]; except?: unknown[] } | undefined;
  if (typeof condition.key === 'string' && match) {
    const v = lookup(p.payload, condition.key);
    const values = Array.isArray(v) ? v : [v];
    if ('value' in match) return values.some((x) => x === match.value);
    if (Array.isArray(match.any)) return values.some((x) => match.any!.includes(x));
    if (Array.isArray(match.except)) return v !== undefined && values.some((x) => !match.except!.includes(x));
  }
  throw badJson('data did not match any variant of untagged enum Condition (or the peer does not serve it)');
}

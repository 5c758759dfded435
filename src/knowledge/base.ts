/**
 * The knowledge base: files under `knowledge/` loaded and indexed (lexical always; vectors when an embedder and a
 * vector index are configured), verified-query lifecycle status, the FAQ tier, search for the agent, suggestions and
 * proposals. One instance per process; `sync()` reloads from disk.
 */

import { isSleuthError, UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { DataSource } from '../datasources/index.js';
import type { KnowledgeMemory, ProposalRecord } from '../memory/index.js';
import type { SqlExecutor } from '../sql/index.js';
import type { Embedder } from './embeddings.js';
import { answerWithFaq, type FaqSettings } from './faq.js';
import { type KnowledgeFiles, type LoadedVerifiedQuery, loadKnowledgeFiles } from './files.js';
import { createLexicalIndex, type LexicalIndex } from './lexical.js';
import { checkVerifiedQuery, contentHash, readSchema, schemaFingerprint } from './lifecycle.js';
import { createFaqMatcher, type FaqMatcher, type MatchCandidate } from './matcher.js';
import { confirmProposalToFile } from './proposals.js';
import { schemaDocuments } from './schema-docs.js';
import { joinGraph, rerankTables } from './schema-rank.js';
import { createNormalizer, type Normalizer } from './text.js';
import type {
  FaqOutcome,
  FaqRequest,
  KnowledgeService,
  ProposeVerifiedQueryInput,
  VerifiedQueryProposal,
} from './types.js';
import { buildUnderstanding, type Understanding } from './understanding.js';
import type { KnowledgeKind, VectorIndex } from './vector/types.js';

export interface KnowledgeBaseDeps {
  readonly dir: string;
  readonly memory: KnowledgeMemory;
  readonly executor: SqlExecutor;
  readonly source: (connection: string) => Promise<DataSource>;
  readonly defaultConnection: string;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly vectorIndex?: VectorIndex | null;
  readonly embedder?: Embedder | null;
  readonly faq?: Partial<FaqSettings>;
}

export interface VerifiedQueryListing {
  readonly name: string;
  readonly connection: string;
  readonly description: string;
  readonly owner: string;
  readonly verifiedOn: string;
  readonly file: string;
  readonly stale: boolean;
  readonly staleReason: string | null;
  readonly checkedAt: Date | null;
}

export interface SyncReport {
  readonly verifiedQueries: number;
  readonly stale: readonly { name: string; reason: string }[];
  readonly glossaryTerms: number;
  readonly docChunks: number;
  readonly schemaItems: number;
  readonly vectors: 'off' | { index: string; embedder: string; points: number };
  readonly elapsedMs: number;
}

export interface KnowledgeSearchHit {
  readonly kind: 'verified_query' | 'doc' | 'table';
  readonly title: string;
  readonly text: string;
  readonly sql?: string;
  readonly score: number;
}

export interface FaqRunOptions {
  /** Runs the filled SQL instead of the knowledge base's executor (the composition root passes the caller's policy). */
  readonly executor?: Pick<SqlExecutor, 'execute'>;
}

export interface KnowledgeBase extends KnowledgeService {
  answerFaq(request: FaqRequest, options?: FaqRunOptions): Promise<FaqOutcome>;
  sync(): Promise<SyncReport>;
  list(): Promise<VerifiedQueryListing[]>;
  files(): Promise<KnowledgeFiles>;
  /** Ranked verified queries for a question (for evals and `sleuth kb search`). */
  rank(question: string, connection?: string): Promise<MatchCandidate[]>;
  search(
    text: string,
    options?: { connection?: string; limit?: number; kinds?: readonly KnowledgeSearchHit['kind'][] },
  ): Promise<KnowledgeSearchHit[]>;
  /** Re-checks verified queries of a connection when its schema fingerprint changed; returns the stale ones. */
  recheckIfSchemaChanged(connection: string): Promise<string[]>;
  listProposals(): Promise<VerifiedQueryProposal[]>;
  confirmProposal(
    id: string,
    input: { name: string; owner: string; decidedBy?: string; description?: string },
  ): Promise<string>;
  rejectProposal(id: string, decidedBy?: string): Promise<void>;
  readonly embeddingsEnabled: boolean;
}

interface State {
  files: KnowledgeFiles;
  normalizer: Normalizer;
  matcher: FaqMatcher;
  docs: LexicalIndex;
  docText: Map<string, { title: string; text: string; connection: string | null; kind: 'doc' | 'table' }>;
  /** verified query name -> enum parameter -> known values. */
  enumValues: Map<string, Map<string, readonly string[]>>;
  stale: Map<string, string>;
  fingerprints: Map<string, string>;
  /** connection -> its tables (as schema items title them) and their foreign-key links, for table ranking. */
  schemas: Map<string, { tables: Set<string>; joins: Map<string, Set<string>> }>;
  understanding: Understanding;
}

export function createKnowledgeBase(deps: KnowledgeBaseDeps): KnowledgeBase {
  let state: Promise<State> | null = null;
  let embedder = deps.embedder ?? null;
  const vectors = deps.vectorIndex ?? null;
  let lastReport: SyncReport | null = null;

  async function valuesOf(connection: string, column: string): Promise<string[]> {
    const [table, col] = column.split('.') as [string, string];
    const source = await deps.source(connection);
    const result = await deps.executor.execute(
      source,
      `SELECT DISTINCT ${col} AS value FROM ${table} WHERE ${col} IS NOT NULL ORDER BY 1`,
      { limits: { maxRows: 1000, timeoutMs: 10_000 }, introspection: true },
    );
    return result.rows.map((r) => String(r[0]));
  }

  async function load(): Promise<State> {
    const started = Date.now();
    const files = await loadKnowledgeFiles(deps.dir);
    const synonyms: Record<string, string[]> = {};
    for (const term of files.glossary) synonyms[term.term] = term.aliases;
    const normalizer = createNormalizer(synonyms);
    const enumValues = new Map<string, Map<string, readonly string[]>>();
    const columnCache = new Map<string, Promise<string[]>>();
    const stale = new Map<string, string>();
    const fingerprints = new Map<string, string>();
    const schemas: State['schemas'] = new Map();
    const schemaItems: { id: string; title: string; text: string; connection: string }[] = [];
    const stored = new Map((await deps.memory.listStatus()).map((s) => [s.name, s]));

    const connections = [...new Set(files.verifiedQueries.map((q) => q.connection).concat(deps.defaultConnection))];
    for (const connection of connections) {
      try {
        const source = await deps.source(connection);
        const snapshot = await readSchema(deps.executor, source);
        fingerprints.set(connection, schemaFingerprint(snapshot));
        const items = schemaDocuments(snapshot, connection);
        schemaItems.push(...items);
        schemas.set(connection, { tables: new Set(items.map((i) => i.title)), joins: joinGraph(snapshot) });
      } catch (error) {
        deps.logger.warn({ connection, err: (error as Error).message }, 'knowledge: cannot read the schema');
      }
    }
    for (const query of files.verifiedQueries) {
      const values = new Map<string, readonly string[]>();
      let problem: string | null = null;
      for (const [name, definition] of Object.entries(query.parameters)) {
        if (definition.type !== 'enum') continue;
        if (definition.values) values.set(name, definition.values);
        else if (definition.values_from) {
          const key = `${query.connection}:${definition.values_from}`;
          if (!columnCache.has(key)) columnCache.set(key, valuesOf(query.connection, definition.values_from));
          try {
            values.set(name, await (columnCache.get(key) as Promise<string[]>));
          } catch (error) {
            problem = `values of ${definition.values_from}: ${isSleuthError(error) ? error.message : String(error)}`;
          }
        }
      }
      enumValues.set(query.name, values);
      const fingerprint = fingerprints.get(query.connection) ?? null;
      const hash = contentHash(query);
      const previous = stored.get(query.name);
      let outcome: { stale: boolean; reason: string | null };
      if (problem) outcome = { stale: true, reason: problem };
      else if (!fingerprint) outcome = { stale: true, reason: `connection ${query.connection} is unreachable` };
      else if (previous && previous.contentHash === hash && previous.schemaFingerprint === fingerprint) {
        outcome = { stale: previous.stale, reason: previous.staleReason };
      } else {
        outcome = await checkVerifiedQuery(query, {
          executor: deps.executor,
          source: await deps.source(query.connection),
          enumValues: values,
          now: deps.now(),
        });
      }
      if (outcome.stale) stale.set(query.name, outcome.reason ?? 'stale');
      await deps.memory.putStatus({
        name: query.name,
        connection: query.connection,
        contentHash: hash,
        schemaFingerprint: fingerprint,
        stale: outcome.stale,
        staleReason: outcome.reason,
        checkedAt: new Date(),
      });
    }
    const gone = [...stored.keys()].filter((name) => !files.verifiedQueries.some((q) => q.name === name));
    await deps.memory.deleteStatus(gone);

    const docText: State['docText'] = new Map();
    for (const chunk of files.docs)
      docText.set(chunk.id, { title: chunk.title, text: chunk.text, connection: chunk.connection, kind: 'doc' });
    for (const term of files.glossary) {
      const text = [
        `${term.term}${term.aliases.length ? ` (${term.aliases.join(', ')})` : ''}: ${term.definition}`,
        term.sql ? `SQL: ${term.sql}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      docText.set(`glossary#${term.term}`, {
        title: term.term,
        text,
        connection: term.connection ?? null,
        kind: 'doc',
      });
    }
    for (const item of schemaItems)
      docText.set(item.id, { title: item.title, text: item.text, connection: item.connection, kind: 'table' });
    const docs = createLexicalIndex(
      [...docText].map(([id, d]) => ({ id, text: `${d.title} ${d.text}` })),
      normalizer,
    );
    const next: State = {
      files,
      normalizer,
      matcher: createFaqMatcher(files.verifiedQueries, normalizer),
      docs,
      docText,
      enumValues,
      stale,
      fingerprints,
      schemas,
      understanding: buildUnderstanding(files, enumValues),
    };
    const vectorReport = await indexVectors(next);
    lastReport = {
      verifiedQueries: files.verifiedQueries.length,
      stale: [...stale].map(([name, reason]) => ({ name, reason })),
      glossaryTerms: files.glossary.length,
      docChunks: files.docs.length,
      schemaItems: schemaItems.length,
      vectors: vectorReport,
      elapsedMs: Date.now() - started,
    };
    deps.logger.info({ ...lastReport, stale: lastReport.stale.length }, 'knowledge base loaded');
    return next;
  }

  async function indexVectors(next: State): Promise<SyncReport['vectors']> {
    if (!embedder || !vectors) return 'off';
    const batches: Record<KnowledgeKind, { id: string; text: string; connection: string | null; itemId: string }[]> = {
      verified_query: next.files.verifiedQueries.flatMap((q) =>
        q.questions.map((text, i) => ({ id: `${q.name}#${i}`, text, connection: q.connection, itemId: q.name })),
      ),
      doc: [...next.docText]
        .filter(([, d]) => d.kind === 'doc')
        .map(([id, d]) => ({ id, text: `${d.title}\n${d.text}`, connection: d.connection, itemId: id })),
      schema: [...next.docText]
        .filter(([, d]) => d.kind === 'table')
        .map(([id, d]) => ({ id, text: `${d.title}\n${d.text}`, connection: d.connection, itemId: id })),
    };
    try {
      let points = 0;
      for (const kind of Object.keys(batches) as KnowledgeKind[]) {
        const items = batches[kind];
        const embedded = items.length ? await embedder.embed(items.map((i) => i.text)) : [];
        await vectors.ensureCollection(kind, embedder.dimension);
        const wanted = new Set(items.map((i) => i.id));
        const old = (await vectors.listIds(kind)).filter((id) => !wanted.has(id));
        if (old.length) await vectors.delete(kind, old);
        await vectors.upsert(
          kind,
          items.map((item, i) => ({
            id: item.id,
            vector: embedded[i] as number[],
            payload: { itemId: item.itemId, connection: item.connection },
          })),
        );
        points += items.length;
      }
      return { index: vectors.name, embedder: embedder.id, points };
    } catch (error) {
      if (isSleuthError(error) && error.code === 'EMBEDDINGS_UNAVAILABLE') {
        deps.logger.warn({ reason: error.message }, 'embeddings unavailable: knowledge retrieval runs lexical-only');
        embedder = null;
        return 'off';
      }
      throw error;
    }
  }

  function current(): Promise<State> {
    if (!state) {
      state = load();
      state.catch(() => {
        state = null;
      });
    }
    return state;
  }

  async function vectorScores(
    kind: KnowledgeKind,
    text: string,
    connection: string,
  ): Promise<Map<string, number> | undefined> {
    if (!embedder || !vectors) return undefined;
    const [vector] = await embedder.embed([text]);
    const hits = await vectors.search(kind, vector as number[], { limit: 50, connection });
    const best = new Map<string, number>();
    for (const hit of hits) best.set(hit.payload.itemId, Math.max(best.get(hit.payload.itemId) ?? -1, hit.score));
    return best;
  }

  /**
   * Tables a question implies beyond their own text: those of the glossary terms it names, of the verified queries
   * it resembles (weighted by confidence), and of the column whose known values it names ("Germany", "paid search").
   */
  async function relatedTables(s: State, text: string, connection: string): Promise<Map<string, number>> {
    const boosts = new Map<string, number>();
    const add = (table: string, value: number) => boosts.set(table, Math.max(boosts.get(table) ?? 0, value));
    const words = ` ${s.normalizer.canonical(text)} `;
    for (const term of s.files.glossary) {
      const forms = [term.term, ...term.aliases].map((f) => ` ${s.normalizer.canonical(f)} `);
      if (forms.some((f) => words.includes(f))) for (const table of term.tables) add(table, 0.5);
    }
    const ranked = await rank(text, connection);
    for (const candidate of ranked.slice(0, 3)) {
      if (candidate.confidence < 0.3) continue;
      for (const m of candidate.query.sql.matchAll(/\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) {
        add(m[1] as string, 0.6 * Math.min(1, candidate.confidence));
      }
    }
    const lower = text.toLowerCase();
    for (const query of s.files.verifiedQueries) {
      for (const [name, definition] of Object.entries(query.parameters)) {
        if (definition.type !== 'enum' || !definition.values_from) continue;
        const values = s.enumValues.get(query.name)?.get(name) ?? [];
        const table = definition.values_from.split('.')[0] as string;
        if (
          values.some(
            (v) =>
              v.length > 2 &&
              new RegExp(
                `\\b${v
                  .toLowerCase()
                  .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
                  .replace(/[_-]/g, '[ _-]')}\\b`,
              ).test(lower),
          )
        ) {
          add(table, 0.5);
        }
      }
    }
    return boosts;
  }

  async function rank(question: string, connection = deps.defaultConnection): Promise<MatchCandidate[]> {
    const s = await current();
    return rankClean(s, s.understanding.cleaner.clean(question).text, connection);
  }

  async function rankClean(s: State, question: string, connection: string): Promise<MatchCandidate[]> {
    const ranked = s.matcher.rank(question, {
      now: deps.now(),
      enumValues: s.enumValues,
      vectorScores: await vectorScores('verified_query', question, connection),
    });
    return ranked.filter((c) => c.query.connection === connection);
  }

  const base: KnowledgeBase = {
    get embeddingsEnabled() {
      return embedder !== null && vectors !== null;
    },
    async sync() {
      state = null;
      await current();
      return lastReport as SyncReport;
    },
    async files() {
      return (await current()).files;
    },
    async list() {
      const { files } = await current();
      const status = new Map((await deps.memory.listStatus()).map((s) => [s.name, s]));
      return files.verifiedQueries.map((q: LoadedVerifiedQuery) => {
        const s = status.get(q.name);
        return {
          name: q.name,
          connection: q.connection,
          description: q.description,
          owner: q.owner,
          verifiedOn: q.verified_on,
          file: q.file,
          stale: s?.stale ?? false,
          staleReason: s?.staleReason ?? null,
          checkedAt: s?.checkedAt ?? null,
        };
      });
    },
    rank,
    async answerFaq(request: FaqRequest, options: FaqRunOptions = {}): Promise<FaqOutcome> {
      const connection = request.connection ?? deps.defaultConnection;
      const s = await current();
      const question = s.understanding.cleaner.clean(request.question).text;
      const now = deps.now();
      const ranked = (await rankClean(s, question, connection)).filter((c) => !s.stale.has(c.query.name));
      return answerWithFaq(ranked, {
        parsed: s.understanding.readings(question, now),
        queryWords: s.understanding.queryWords,
        vocabulary: s.files.vocabulary,
        now,
        connection,
        source: deps.source,
        executor: options.executor ?? deps.executor,
        enumValues: s.enumValues,
        settings: deps.faq,
        onBroken: async (name, reason) => {
          s.stale.set(name, reason);
          const query = s.files.verifiedQueries.find((q) => q.name === name);
          if (query) {
            await deps.memory.putStatus({
              name,
              connection,
              contentHash: contentHash(query),
              schemaFingerprint: s.fingerprints.get(connection) ?? null,
              stale: true,
              staleReason: reason,
              checkedAt: new Date(),
            });
          }
          deps.logger.warn({ verifiedQuery: name, reason }, 'verified query failed; marked stale');
        },
      });
    },
    async suggestedQuestions(limit, connection = deps.defaultConnection) {
      const s = await current();
      return s.files.verifiedQueries
        .filter((q) => q.connection === connection && !s.stale.has(q.name))
        .map((q) => q.questions[0] as string)
        .slice(0, limit);
    },
    async search(text, options = {}) {
      const connection = options.connection ?? deps.defaultConnection;
      const limit = options.limit ?? 5;
      const kinds = options.kinds ?? ['verified_query', 'doc', 'table'];
      const s = await current();
      const hits: KnowledgeSearchHit[] = [];
      if (kinds.includes('verified_query')) {
        for (const c of (await rank(text, connection)).filter((c) => !s.stale.has(c.query.name)).slice(0, limit)) {
          if (c.confidence <= 0.2) continue;
          hits.push({
            kind: 'verified_query',
            title: c.query.name,
            text: `${c.query.description} Asked as: ${c.query.questions.slice(0, 2).join(' / ')}`,
            sql: c.query.sql.trim(),
            score: round(c.confidence),
          });
        }
      }
      for (const kind of ['doc', 'table'] as const) {
        if (!kinds.includes(kind)) continue;
        const filter = (id: string) => {
          const d = s.docText.get(id);
          return d !== undefined && d.kind === kind && (d.connection === null || d.connection === connection);
        };
        // tables: a wider pool, so the base tables behind a crowd of look-alike copies and join partners are in it
        const lexical = s.docs.search(text, kind === 'table' ? Math.max(limit * 3, 100) : limit * 3, filter);
        const top = lexical[0]?.score ?? 1;
        const scores = new Map(lexical.map((h) => [h.id, h.score / top]));
        const vector = await vectorScores(kind === 'doc' ? 'doc' : 'schema', text, connection);
        if (vector)
          for (const [id, v] of vector)
            if (filter(id)) scores.set(id, 0.6 * (scores.get(id) ?? 0) + 0.4 * Math.max(0, v));
        if (kind === 'table') {
          for (const [table, boost] of await relatedTables(s, text, connection)) {
            const id = `schema:${connection}:${table}`;
            if (filter(id)) scores.set(id, (scores.get(id) ?? 0) + boost);
          }
          const schema = s.schemas.get(connection);
          if (schema) {
            const prefix = `schema:${connection}:`;
            const byTable = new Map([...scores].map(([id, score]) => [id.slice(prefix.length), score]));
            scores.clear();
            for (const [table, score] of rerankTables(byTable, text, schema.tables, schema.joins))
              scores.set(`${prefix}${table}`, score);
          }
        }
        const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
        for (const [id, score] of ranked) {
          const d = s.docText.get(id);
          if (d) hits.push({ kind, title: d.title, text: d.text.slice(0, 1500), score: round(score) });
        }
      }
      return hits;
    },
    async recheckIfSchemaChanged(connection) {
      const s = await current();
      const snapshot = await readSchema(deps.executor, await deps.source(connection));
      if (schemaFingerprint(snapshot) === s.fingerprints.get(connection)) return [];
      deps.logger.info({ connection }, 'schema changed: re-checking verified queries');
      const report = await base.sync();
      return report.stale.map((x) => x.name);
    },
    async proposeVerifiedQuery(input: ProposeVerifiedQueryInput) {
      const record = await deps.memory.addProposal({
        question: input.question,
        sql: input.sql,
        connection: input.connection,
        investigationId: input.investigationId ?? null,
        proposedBy: input.proposedBy ?? null,
        note: input.note ?? null,
      });
      return toProposal(record);
    },
    async listProposals() {
      return (await deps.memory.listProposals()).map(toProposal);
    },
    async confirmProposal(id, input) {
      const proposal = await deps.memory.getProposal(id);
      if (!proposal) throw new UserError('NOT_FOUND', `No proposal ${id}.`);
      const file = await confirmProposalToFile(deps.dir, proposal, { ...input, today: deps.now() });
      await deps.memory.decideProposal(id, 'confirmed', input.decidedBy ?? null);
      await base.sync();
      return file;
    },
    async rejectProposal(id, decidedBy) {
      await deps.memory.decideProposal(id, 'rejected', decidedBy ?? null);
    },
  };
  return base;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function toProposal(r: ProposalRecord): VerifiedQueryProposal {
  return {
    id: r.id,
    question: r.question,
    sql: r.sql,
    connection: r.connection,
    investigationId: r.investigationId,
    proposedBy: r.proposedBy,
    note: r.note,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

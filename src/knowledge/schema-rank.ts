/**
 * Table ranking for schema retrieval in large warehouses, applied after the lexical (and vector) scores:
 *
 * - Copies of a table (`stg_orders`, `raw_orders`, `orders_archive`, `orders_snapshot`, `orders_backup`...) read
 *   almost exactly like the table they copy, so lexical scores cannot tell them apart. When the base table exists
 *   in the same connection and the question does not name the kind of copy ("staging", "raw", "archived",
 *   "snapshot"...), the copy ranks below it and below the other base tables the question matches.
 * - Join partners: a table linked by a foreign key to one of the top-ranked tables, that the question also matches,
 *   is pulled up ("average units sold per order with their sales channel" needs `order_items` and `orders`).
 */
import type { SchemaSnapshot } from '../sql/introspect/index.js';
import { basicWords, stem } from './text.js';

interface CopyKind {
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  /** Words (lower case, stemmed) in a question that ask for this kind of copy. */
  readonly words: readonly string[];
}

const COPY_KINDS: readonly CopyKind[] = [
  { prefixes: ['stg_', 'staging_'], suffixes: ['_stg', '_staging'], words: ['stg', 'staging', 'staged'] },
  { prefixes: ['raw_', 'src_'], suffixes: ['_raw', '_src'], words: ['raw', 'src', 'unprocessed'] },
  {
    prefixes: ['archive_', 'archived_', 'hist_', 'history_', 'old_'],
    suffixes: ['_archive', '_archived', '_arch', '_hist', '_history', '_historical', '_old'],
    words: ['archive', 'archiv', 'historical', 'history', 'hist', 'old'],
  },
  {
    prefixes: ['snapshot_', 'snap_'],
    suffixes: ['_snapshot', '_snapshots', '_snap', '_daily_snapshot'],
    words: ['snapshot', 'snap'],
  },
  {
    prefixes: ['backup_', 'bak_', 'bkp_'],
    suffixes: ['_backup', '_bak', '_bkp', '_copy'],
    words: ['backup', 'bak', 'copy'],
  },
  { prefixes: ['tmp_', 'temp_'], suffixes: ['_tmp', '_temp'], words: ['tmp', 'temp', 'temporary'] },
];

/** A dated copy: `orders_2023`, `orders_20240101`, `orders_2024_01`. */
const DATED = /_(?:19|20)\d{2}(?:_?\d{2}){0,2}$/;

/** Factor a copy's score is multiplied by when the question does not ask for copies of its kind. */
const COPY_FACTOR = 0.5;
/** How many of the top tables lend their join partners a boost. */
const PARTNER_SOURCES = 3;
/** A join partner's boost, as a share of the linked top table's score. */
const PARTNER_SHARE = 0.35;

export interface TableCopy {
  /** The table it copies, as named in the connection. */
  readonly base: string;
  /** Index into COPY_KINDS, or -1 for a dated copy. */
  readonly kind: number;
}

/** The table `name` is a copy of, when that table exists among `tables` (names as listed, schema-qualified or not). */
export function copyOf(name: string, tables: ReadonlySet<string>): TableCopy | undefined {
  const dot = name.lastIndexOf('.');
  const schema = dot >= 0 ? name.slice(0, dot + 1) : '';
  const bare = name.slice(dot + 1).toLowerCase();
  const original = name.slice(dot + 1);
  const found = (base: string, kind: number): TableCopy | undefined => {
    if (base.length === 0) return undefined;
    for (const candidate of [`${schema}${base}`, base])
      if (candidate !== name && tables.has(candidate)) return { base: candidate, kind };
    return undefined;
  };
  for (const [kind, copy] of COPY_KINDS.entries()) {
    for (const prefix of copy.prefixes)
      if (bare.startsWith(prefix)) {
        const hit = found(original.slice(prefix.length), kind);
        if (hit) return hit;
      }
    for (const suffix of copy.suffixes)
      if (bare.endsWith(suffix)) {
        const hit = found(original.slice(0, -suffix.length), kind);
        if (hit) return hit;
      }
  }
  const dated = DATED.exec(bare);
  if (dated) return found(original.slice(0, dated.index), -1);
  return undefined;
}

/** The kinds of copy a question asks for by name ("from the staging table", "archived orders"). */
export function askedCopyKinds(question: string): Set<number> {
  const words = new Set(basicWords(question).flatMap((w) => [w, stem(w)]));
  const asked = new Set<number>();
  for (const [kind, copy] of COPY_KINDS.entries()) if (copy.words.some((w) => words.has(w))) asked.add(kind);
  // a year or date in a question may ask for a dated copy; the copy is then left where its text puts it
  if ([...words].some((w) => /^(?:19|20)\d{2}$/.test(w))) asked.add(-1);
  return asked;
}

/** Table name -> the tables it is linked to by a foreign key, either way (names as schema documents title them). */
export function joinGraph(snapshot: SchemaSnapshot): Map<string, Set<string>> {
  const name = (schema: string | undefined, table: string) =>
    schema && schema !== 'public' ? `${schema}.${table}` : table;
  const graph = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    const set = graph.get(a) ?? new Set<string>();
    set.add(b);
    graph.set(a, set);
  };
  for (const table of snapshot.tables) {
    const from = name(table.schema, table.name);
    for (const fk of table.foreignKeys) {
      const to = name(fk.references.schema ?? table.schema, fk.references.table);
      link(from, to);
      link(to, from);
    }
  }
  return graph;
}

/**
 * Re-ranks table scores (table name -> score, every table the question matched): copies below their base table
 * unless asked for, then join partners of the top tables pulled up. `tables` is every table of the connection.
 */
export function rerankTables(
  scores: ReadonlyMap<string, number>,
  question: string,
  tables: ReadonlySet<string>,
  graph: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, number> {
  const asked = askedCopyKinds(question);
  const out = new Map<string, number>();
  for (const [table, score] of scores) {
    const copy = copyOf(table, tables);
    out.set(table, copy && !asked.has(copy.kind) ? score * COPY_FACTOR : score);
  }
  const top = [...out].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, PARTNER_SOURCES);
  const boosts = new Map<string, number>();
  for (const [table, score] of top) {
    for (const partner of graph.get(table) ?? []) {
      const own = out.get(partner);
      // only partners the question itself matches: a foreign key alone says nothing about the question
      if (own === undefined || own <= 0) continue;
      boosts.set(partner, Math.max(boosts.get(partner) ?? 0, PARTNER_SHARE * score));
    }
  }
  for (const [table, boost] of boosts) out.set(table, (out.get(table) ?? 0) + boost);
  return out;
}

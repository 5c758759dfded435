/**
 * MariaDB and SQLite: node-sql-parser builds the tree we walk. It fails on some valid SQL; that is a rejection
 * (fail closed), never a fall-back to the raw text. Known gap handled elsewhere: it treats MySQL executable comments
 * as comments, so the lexer rejects them before this runs.
 */
import { createRequire } from 'node:module';
import type mariadbGrammar from 'node-sql-parser/build/mariadb.js';
import type { SqlDialect } from '../dialect.js';
import type { ColumnRef, GuardVerdict, StatementKind, TableRef } from '../types.js';
import { canonicalText, restorePlaceholders } from './canonical.js';
import { isDeniedRelation } from './deny-list.js';
import { functionAllowList } from './functions.js';
import { treeCallProblem } from './generic-calls.js';
import { extractGeneric, type GenericExtraction } from './generic-walk.js';
import type { Token } from './lexer.js';

type Parser = InstanceType<typeof mariadbGrammar.Parser>;

/**
 * Each dialect is parsed by its own grammar only, never another dialect's: a statement the grammar cannot parse is
 * refused. The grammar reads the canonical text (see canonical.ts), never the user's, so comments, quotes and
 * escapes cannot be read differently from the server.
 */
const GRAMMARS: Record<Exclude<SqlDialect, 'postgres'>, { build: string; database: string }> = {
  mariadb: { build: 'node-sql-parser/build/mariadb.js', database: 'MariaDB' },
  sqlite: { build: 'node-sql-parser/build/sqlite.js', database: 'Sqlite' },
};
const parsers = new Map<string, Parser>();
const requireGrammar = createRequire(import.meta.url);

/**
 * A dialect's grammar, loaded on first use (each build is megabytes of generated code): a process that only ever
 * verifies in the worker pool, or only one dialect, never loads the others (cold start of `sleuth sql`).
 */
function grammarOf(dialect: Exclude<SqlDialect, 'postgres'>): { parser: Parser; database: string } {
  const { build, database } = GRAMMARS[dialect];
  let parser = parsers.get(dialect);
  if (!parser) {
    parser = new (requireGrammar(build) as typeof mariadbGrammar).Parser();
    parsers.set(dialect, parser);
  }
  return { parser, database };
}

export function analyzeWithNodeSqlParser(
  trimmed: string,
  dialect: Exclude<SqlDialect, 'postgres'>,
  kind: StatementKind,
  body: readonly Token[] | undefined,
  knownTables: TableRef[],
  allowFunctions: readonly string[] = [],
): GuardVerdict {
  const allow = (tables: TableRef[], columns: ColumnRef[]): GuardVerdict => ({
    allowed: true,
    dialect,
    kind,
    sql: trimmed,
    tables,
    columns,
  });
  if (body === undefined) return deniedRelationVerdict(dialect, knownTables) ?? allow(knownTables, []);
  const parsed = parseCanonical(body, dialect);
  if ('code' in parsed) return { allowed: false, dialect, code: parsed.code, reason: parsed.reason };
  if ('error' in parsed) {
    return {
      allowed: false,
      dialect,
      code: 'PARSE_ERROR',
      reason: `The statement could not be parsed as a single read-only query, so it is refused: ${parsed.error}`,
    };
  }
  const { ast, tableList } = parsed;
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) {
    return { allowed: false, dialect, code: 'MULTIPLE_STATEMENTS', reason: 'Exactly one statement is allowed.' };
  }
  // one walk: writes, INTO, locking and calls anywhere, CTE names, tables and column uses
  const allowed = functionAllowList(dialect, allowFunctions);
  const extracted = extractGeneric(statements[0], (node) => treeCallProblem(node, allowed));
  const problem = extracted.problem ?? extracted.callProblem;
  if (problem) return { allowed: false, dialect, ...problem };
  const listed = parseTableList(tableList, extracted.cteNames);
  if (listed === undefined) {
    return { allowed: false, dialect, code: 'WRITE_STATEMENT', reason: 'The statement writes to a table.' };
  }
  // The scoped walk finds real tables that share a name with a CTE defined elsewhere in the statement; the
  // parser's own list (minus CTE names) is kept as well, so neither can miss a table the other sees.
  const tables = mergeTables(extracted.tables, listed);
  if (kind === 'explain') return deniedRelationVerdict(dialect, tables) ?? allow(tables, readsOnly(extracted));
  return deniedRelationVerdict(dialect, tables) ?? allow(tables, extracted.collector.columns());
}

/** EXPLAIN returns a plan, not the rows: nothing reaches the result as a value. */
function readsOnly(extracted: GenericExtraction): ColumnRef[] {
  return extracted.collector.columns().map(({ as: _as, ...ref }) => ({ ...ref, usage: 'read' as const }));
}

function mergeTables(first: readonly TableRef[], second: readonly TableRef[]): TableRef[] {
  const seen = new Set<string>();
  const out: TableRef[] = [];
  for (const table of [...first, ...second]) {
    const key = `${table.schema ?? ''}.${table.name}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(table);
  }
  return out;
}

interface Parsed {
  ast: unknown;
  tableList: string[];
}

/** Parses the canonical text with the dialect's own grammar and restores the real names and strings in the tree. */
export function parseCanonical(
  body: readonly Token[],
  dialect: Exclude<SqlDialect, 'postgres'>,
): Parsed | { error: string } | { code: 'SQL_AMBIGUOUS'; reason: string } {
  const canonical = canonicalText(body, dialect);
  if (!canonical.ok) return { code: 'SQL_AMBIGUOUS', reason: canonical.reason };
  const { parser, database } = grammarOf(dialect);
  let parsed: Parsed;
  try {
    const { ast, tableList } = parser.parse(canonical.text, { database });
    parsed = { ast, tableList };
  } catch (error) {
    if (error instanceof RangeError) throw error;
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { error: message.replace(/\uE000\d+\uE001/g, '…') };
  }
  const disagreement = restorePlaceholders(parsed, canonical.values);
  if (disagreement) return { code: 'SQL_AMBIGUOUS', reason: disagreement.reason };
  return parsed;
}

function deniedRelationVerdict(dialect: SqlDialect, tables: readonly TableRef[]): GuardVerdict | undefined {
  const denied = tables.find((t) => isDeniedRelation(dialect, t.name, t.schema));
  if (!denied) return undefined;
  return {
    allowed: false,
    dialect,
    code: 'DENIED_RELATION',
    reason: `Reading ${denied.schema ? `${denied.schema}.` : ''}${denied.name} is not allowed: it holds credentials, server settings or other sessions' state (only catalog views that describe the schema can be read).`,
  };
}

/** "select::db::table" entries; undefined when any entry is not a read. */
function parseTableList(entries: readonly string[], cteNames: ReadonlySet<string>): TableRef[] | undefined {
  const tables: TableRef[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const [action, schema, name] = entry.split('::');
    if (action !== 'select') return undefined;
    if (!name || (schema === 'null' && cteNames.has(name.toLowerCase()))) continue;
    const key = `${schema}.${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tables.push(schema && schema !== 'null' ? { schema, name } : { name });
  }
  return tables;
}

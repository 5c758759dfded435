/**
 * PostgreSQL: the real server parser (libpg-query, PostgreSQL 17's grammar compiled to WASM) gives the tree, so what
 * we inspect is what the server will parse. Every node is walked: writes in CTEs, SELECT INTO, locking clauses,
 * denied functions in any position (FROM clause included) and credential relations are all found in the tree, on top
 * of the token-level checks that already ran.
 */
import type { ColumnRef, GuardCode, GuardVerdict, StatementKind, TableRef } from '../types.js';
import { deniedFunctionMatcher, type FunctionMatcher, isDeniedRelation, POSTGRES_SHOW_ALLOWED } from './deny-list.js';
import type { Token } from './lexer.js';

/** Parses SQL into libpg-query's JSON tree; throws on a syntax error. */
export type PostgresParse = (sql: string) => unknown;

type Node = Record<string, unknown>;

interface Rejection {
  code: GuardCode;
  reason: string;
}

const WRITE_NODES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

export function analyzePostgres(
  trimmed: string,
  _tokens: readonly Token[],
  parse: PostgresParse,
  extraDeniedFunctions: readonly string[],
): GuardVerdict {
  const reject = (r: Rejection): GuardVerdict => ({ allowed: false, dialect: 'postgres', ...r });
  let tree: { stmts?: { stmt?: Node }[] };
  try {
    tree = parse(trimmed) as typeof tree;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return reject({ code: 'PARSE_ERROR', reason: `The statement could not be parsed, so it is refused: ${detail}` });
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length !== 1 || !stmts[0]?.stmt) {
    return reject({ code: 'MULTIPLE_STATEMENTS', reason: 'Exactly one statement is allowed per query.' });
  }
  const root = stmts[0].stmt;
  const top = classifyRoot(root);
  if ('code' in top) return reject(top);

  const walker = new TreeWalker(deniedFunctionMatcher('postgres', extraDeniedFunctions));
  walker.collectCteNames(root);
  const problem = walker.walk(root);
  if (problem) return reject(problem);
  return {
    allowed: true,
    dialect: 'postgres',
    kind: top.kind,
    sql: trimmed,
    tables: walker.tables,
    columns: walker.columns(),
  };
}

function classifyRoot(root: Node): { kind: StatementKind } | Rejection {
  const [type] = Object.keys(root);
  const body = (type ? root[type] : undefined) as Node | undefined;
  switch (type) {
    case 'SelectStmt':
      return { kind: body?.valuesLists ? 'values' : 'select' };
    case 'ExplainStmt': {
      const options = (body?.options ?? []) as { DefElem?: { defname?: string } }[];
      if (options.some((o) => ['analyze', 'analyse'].includes(o.DefElem?.defname ?? ''))) {
        return {
          code: 'EXPLAIN_ANALYZE',
          reason: 'EXPLAIN ANALYZE runs the statement; only plain EXPLAIN is allowed.',
        };
      }
      const query = (body?.query ?? {}) as Node;
      if (!('SelectStmt' in query)) {
        return { code: 'WRITE_STATEMENT', reason: 'EXPLAIN is allowed only for SELECT queries.' };
      }
      return { kind: 'explain' };
    }
    case 'VariableShowStmt': {
      const name = String(body?.name ?? '').toLowerCase();
      if (POSTGRES_SHOW_ALLOWED.has(name)) return { kind: 'show' };
      return {
        code: 'FORBIDDEN_STATEMENT',
        reason: `SHOW ${name} is not allowed; only a few harmless settings can be shown.`,
      };
    }
    case 'TransactionStmt':
      return {
        code: 'TRANSACTION_CONTROL',
        reason: 'Transaction control is not allowed; Sleuth manages the read-only transaction.',
      };
    case 'VariableSetStmt':
      return { code: 'SESSION_CONTROL', reason: 'SET/RESET change the session and are not allowed.' };
    default:
      if (type && type in WRITE_NODES) {
        return { code: 'WRITE_STATEMENT', reason: `${WRITE_NODES[type]} changes data; only reads are allowed.` };
      }
      return {
        code: 'FORBIDDEN_STATEMENT',
        reason: `${(type ?? 'This').replace(/Stmt$/, '')} statements are not allowed; only SELECT, WITH ... SELECT, VALUES and EXPLAIN run.`,
      };
  }
}

class TreeWalker {
  readonly tables: TableRef[] = [];
  private readonly tableKeys = new Set<string>();
  private readonly cteNames = new Set<string>();
  private readonly aliases = new Map<string, string>();
  private readonly rawColumns: string[][] = [];

  constructor(private readonly denied: FunctionMatcher) {}

  collectCteNames(node: unknown): void {
    visit(node, (key, value) => {
      if (key === 'CommonTableExpr' && typeof value.ctename === 'string') this.cteNames.add(value.ctename);
    });
  }

  walk(root: Node): Rejection | undefined {
    let problem: Rejection | undefined;
    visit(root, (key, value) => {
      problem ??= this.inspect(key, value);
    });
    return problem;
  }

  private inspect(key: string, value: Node): Rejection | undefined {
    if (key in WRITE_NODES) {
      return {
        code: 'WRITE_STATEMENT',
        reason: `A data-modifying ${WRITE_NODES[key]} is hidden in the query (e.g. in a CTE).`,
      };
    }
    if (key === 'SelectStmt') {
      if (value.intoClause)
        return { code: 'SELECT_INTO', reason: 'SELECT ... INTO creates a table and is not allowed.' };
      if (Array.isArray(value.lockingClause) && value.lockingClause.length > 0) {
        return { code: 'LOCKING_READ', reason: 'Locking reads (FOR UPDATE / FOR SHARE) are not allowed.' };
      }
    }
    if (key === 'FuncCall') {
      const name = lastName(value.funcname);
      if (name && this.denied.isDenied(name)) {
        return { code: 'DENIED_FUNCTION', reason: `The function ${name}() is not allowed: it has side effects.` };
      }
    }
    if (key === 'RangeVar') return this.addTable(value);
    if (key === 'ColumnRef') this.rawColumns.push(names(value.fields));
    return undefined;
  }

  private addTable(value: Node): Rejection | undefined {
    const name = String(value.relname ?? '');
    const schema = typeof value.schemaname === 'string' ? value.schemaname : undefined;
    if (isDeniedRelation('postgres', name, schema)) {
      return {
        code: 'DENIED_RELATION',
        reason: `Reading ${name} is not allowed: it holds credentials or server configuration.`,
      };
    }
    const alias = (value.alias as { aliasname?: string } | undefined)?.aliasname;
    if (alias) this.aliases.set(alias, name);
    if (!schema && this.cteNames.has(name)) return undefined;
    const key = `${schema ?? ''}.${name}`;
    if (!this.tableKeys.has(key)) {
      this.tableKeys.add(key);
      this.tables.push(schema ? { schema, name } : { name });
    }
    return undefined;
  }

  columns(): ColumnRef[] {
    const seen = new Set<string>();
    const columns: ColumnRef[] = [];
    for (const parts of this.rawColumns) {
      const column = parts[parts.length - 1];
      if (column === undefined) continue;
      const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
      const table = qualifier === undefined ? undefined : (this.aliases.get(qualifier) ?? qualifier);
      const key = `${table ?? ''}.${column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push(table === undefined ? { column } : { table, column });
    }
    return columns;
  }
}

function names(fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  return fields.map((f: { String?: { sval?: string }; A_Star?: unknown }) => (f.A_Star ? '*' : (f.String?.sval ?? '')));
}

function lastName(funcname: unknown): string | undefined {
  const parts = names(funcname);
  return parts[parts.length - 1];
}

/** Depth-first visit of every `{ NodeType: {...} }` pair in the tree. */
function visit(node: unknown, onNode: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) visit(child, onNode);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && /^[A-Z]/.test(key)) {
      onNode(key, value as Node);
    }
    visit(value, onNode);
  }
}

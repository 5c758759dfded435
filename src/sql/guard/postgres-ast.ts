/**
 * PostgreSQL: the real server parser (libpg-query, PostgreSQL 17's grammar compiled to WASM) gives the tree, so what
 * we inspect is what the server will parse. Every node is walked: writes in CTEs, SELECT INTO, locking clauses,
 * denied functions in any position (FROM clause included) and credential relations are all found in the tree, on top
 * of the token-level checks that already ran.
 */
import type { GuardCode, GuardVerdict, StatementKind, TableRef } from '../types.js';
import { ColumnCollector, type OutputTarget, resolveTargetReference, Scope } from './columns.js';
import { deniedFunctionMatcher, type FunctionMatcher, isDeniedRelation, POSTGRES_SHOW_ALLOWED } from './deny-list.js';
import { type FunctionAllowList, functionAllowList, functionNotAllowedReason } from './functions.js';
import type { Token } from './lexer.js';
import { nameDisagreement, nameStarts } from './postgres-agree.js';
import { castProblem, catalogRelationProblem, operatorProblem } from './postgres-calls.js';

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
  tokens: readonly Token[],
  parse: PostgresParse,
  extraDeniedFunctions: readonly string[],
  allowFunctions: readonly string[] = [],
): GuardVerdict {
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
  // one walk of the tree: names agree with the lexer, relations and scopes, problems; columns resolved after it
  const walker = new TreeWalker(
    deniedFunctionMatcher('postgres', extraDeniedFunctions),
    functionAllowList('postgres', allowFunctions),
    nameStarts(tokens, trimmed),
  );
  walker.walk(root, [], walker.rootScope);
  if (walker.disagreement) {
    return reject({
      code: 'SQL_AMBIGUOUS',
      reason: `The parser found a name where the guard's lexer saw none (${walker.disagreement}); the statement is refused.`,
    });
  }
  const top = classifyRoot(root);
  if ('code' in top) return reject(top);
  const problem = walker.finish(root);
  if (problem) return reject(problem);
  return {
    allowed: true,
    dialect: 'postgres',
    kind: top.kind,
    sql: trimmed,
    tables: walker.tables,
    columns: walker.columns.columns(),
  };
}

function reject(r: Rejection): GuardVerdict {
  return { allowed: false, dialect: 'postgres', ...r };
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

/** CTE names visible at a point of the tree (innermost scope last). */
type CteScope = readonly (readonly string[])[];

/** A SELECT body: wrapped as { SelectStmt: {...} }, or bare as the arms (larg/rarg) of a set operation. */
function isSelectBody(node: Node): boolean {
  return typeof node.op === 'string' && node.op.startsWith('SETOP_');
}

/**
 * Node types that hold only literal values (their fields are scalars or `{ ival: 1 }`-style value boxes, never another
 * node, in PostgreSQL's parse tree definitions): nothing in them is checked, so the walk does not descend into them.
 */
const LITERAL_NODES = new Set(['A_Const', 'String', 'Integer', 'Float', 'Boolean', 'BitString', 'A_Star']);

/** Uses of columns that need every scope of the statement registered first: resolved after the walk. */
interface Deferred {
  key: 'ColumnRef' | 'A_Indirection' | 'JoinExpr';
  value: Node;
  scope: Scope;
}

/**
 * One depth-first pass over every `{ NodeType: {...} }` pair of the tree, with the CTE names visible there (a WITH's
 * names are visible in its query, and in a CTE body only the earlier ones, plus itself when RECURSIVE: anything else
 * named like a CTE is a real table) and the SELECT scope it belongs to. At each pair it checks the name's position
 * against the lexer (one reading), registers FROM entries into their SELECT's scope, and looks for problems (writes,
 * INTO, locking, functions, casts, operators, relations); column uses are queued and resolved by `finish` once every
 * scope is complete, so references resolve wherever they are written.
 */
class TreeWalker {
  readonly tables: TableRef[] = [];
  readonly columns = new ColumnCollector();
  readonly rootScope = new Scope(undefined);
  /** The first named node that starts where the lexer saw no name. */
  disagreement: string | undefined;
  private readonly tableKeys = new Set<string>();
  /** One scope per SELECT body. */
  private readonly scopes = new Map<Node, Scope>();
  /** ColumnRef nodes already recorded as plain outputs of the outermost SELECT. */
  private readonly outputNodes = new Set<Node>();
  private readonly deferred: Deferred[] = [];
  private problem: Rejection | undefined;

  constructor(
    private readonly denied: FunctionMatcher,
    private readonly allowed: FunctionAllowList,
    private readonly starts: readonly number[],
  ) {}

  /** After `walk`: the first problem, else the outermost SELECT's outputs and every queued column use. */
  finish(root: Node): Rejection | undefined {
    if (this.problem) return this.problem;
    const select = root.SelectStmt as Node | undefined;
    if (select && select.op === 'SETOP_NONE') this.outputs(select, this.scopeOf(select, this.rootScope));
    for (const { key, value, scope } of this.deferred) {
      if (key === 'ColumnRef') {
        if (!this.outputNodes.has(value)) this.columnRef(value, scope);
      } else if (key === 'A_Indirection') {
        this.fieldSelection(value, scope);
      } else {
        // USING (a, b) compares those columns of both sides; NATURAL compares every shared column
        for (const field of names(value.usingClause)) this.columns.ref(scope, undefined, field);
        if (value.isNatural) this.columns.ref(scope, undefined, '*');
      }
    }
    return undefined;
  }

  private scopeOf(body: Node, parent: Scope): Scope {
    let scope = this.scopes.get(body);
    if (!scope) {
      scope = new Scope(parent);
      this.scopes.set(body, scope);
    }
    return scope;
  }

  /**
   * `bodyKey`: the node is the value of a SelectStmt, larg or rarg field, the only places a SELECT body is (every
   * other field holding one wraps it as `{ SelectStmt: ... }`).
   */
  walk(node: unknown, ctes: CteScope, scope: Scope, bodyKey = false): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (child !== null && typeof child === 'object') this.walk(child, ctes, scope);
      }
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Node;
    const select = bodyKey && isSelectBody(record);
    const here = select ? this.scopeOf(record, scope) : scope;
    let inner = ctes;
    // CTE names are scoped in SELECT bodies; any other WITH (on INSERT/UPDATE/DELETE/MERGE, refused as writes) is
    // walked like any other field, its names then taken for real tables (never fewer checks)
    const withClause = select
      ? (record.withClause as { ctes?: unknown[]; recursive?: boolean } | undefined)
      : undefined;
    const withCtes = withClause && Array.isArray(withClause.ctes) ? withClause.ctes : undefined;
    if (withCtes) {
      const list = withCtes.map((c) => ((c as Node).CommonTableExpr ?? {}) as Node);
      const names = list.map((c) => String(c.ctename ?? ''));
      for (let i = 0; i < list.length; i++) {
        this.walk(list[i], [...ctes, names.slice(0, withClause!.recursive ? i + 1 : i)], here);
      }
      inner = [...ctes, names];
    }
    for (const key in record) {
      if (withCtes && key === 'withClause') continue;
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      if (!Array.isArray(value)) {
        const first = key.charCodeAt(0);
        if (first >= 65 && first <= 90) {
          if (LITERAL_NODES.has(key)) continue;
          this.visit(key, value as Node, inner, here);
        }
      }
      this.walk(value, inner, here, key === 'SelectStmt' || key === 'larg' || key === 'rarg');
    }
  }

  private visit(key: string, value: Node, ctes: CteScope, scope: Scope): void {
    // only these node types are checked against the lexer, registered, inspected or queued (a switch: most nodes
    // are none of them)
    switch (key) {
      case 'RangeVar':
      case 'ColumnRef':
      case 'FuncCall':
        // one reading: a name the parser found must start where the lexer saw one (NAMED_NODES)
        this.disagreement ??= nameDisagreement(this.starts, key, value);
        break;
    }
    switch (key) {
      case 'RangeVar':
      case 'RangeSubselect':
      case 'RangeFunction':
      case 'JoinExpr':
        this.register(key, value, ctes, scope);
        break;
      case 'ColumnRef':
      case 'A_Indirection':
      case 'SelectStmt':
      case 'FuncCall':
      case 'TypeCast':
      case 'A_Expr':
        break;
      default:
        if (!(key in WRITE_NODES)) return;
    }
    if (this.problem) return;
    this.problem = this.inspect(key, value);
    if (key === 'ColumnRef' || key === 'A_Indirection' || key === 'JoinExpr') this.deferred.push({ key, value, scope });
  }

  private register(key: string, value: Node, ctes: CteScope, scope: Scope): void {
    const alias = (value.alias as { aliasname?: string } | undefined)?.aliasname;
    if (key === 'RangeSubselect' || key === 'RangeFunction' || key === 'JoinExpr') scope.registerDerived(alias);
    if (key !== 'RangeVar') return;
    const name = String(value.relname ?? '');
    const schema = typeof value.schemaname === 'string' ? value.schemaname : undefined;
    if (!schema && ctes.some((names) => names.includes(name))) {
      scope.registerDerived(name);
      scope.registerDerived(alias);
      return;
    }
    scope.registerTable(name, alias);
    const tableKey = `${schema ?? ''}.${name}`;
    if (!this.tableKeys.has(tableKey)) {
      this.tableKeys.add(tableKey);
      this.tables.push(schema ? { schema, name } : { name });
    }
  }

  /** The outermost SELECT list: bare columns and stars are outputs; ORDER/GROUP BY positions and aliases resolve. */
  private outputs(select: Node, scope: Scope): void {
    const targets: (OutputTarget | undefined)[] = [];
    for (const item of (select.targetList ?? []) as { ResTarget?: Node }[]) {
      const target = item.ResTarget ?? {};
      const ref = (target.val as Node | undefined)?.ColumnRef as Node | undefined;
      if (!ref) {
        targets.push(undefined);
        continue;
      }
      this.outputNodes.add(ref);
      const parts = names(ref.fields);
      const column = parts[parts.length - 1] ?? '';
      const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
      const alias = typeof target.name === 'string' ? target.name : undefined;
      if (parts.length === 1 && column !== '*') this.columns.nameOrRow(scope, column, 'output', alias);
      else this.columns.ref(scope, qualifier, column, 'output', alias);
      targets.push({ qualifier, column, alias });
    }
    // SELECT DISTINCT compares every output column: each is also read, as GROUP BY would (a masked one is refused);
    // DISTINCT ON (...) lists expressions, walked as reads like any other
    if (Array.isArray(select.distinctClause) && select.distinctClause.length > 0) {
      for (const target of targets) if (target) this.columns.readTarget(scope, target);
    }
    const clauses = [
      ...((select.sortClause ?? []) as { SortBy?: Node }[]).map((s) => s.SortBy?.node),
      ...((select.groupClause ?? []) as unknown[]),
      ...((select.distinctClause ?? []) as unknown[]),
    ] as (Node | undefined)[];
    for (const node of clauses) {
      const position = (node?.A_Const as { ival?: { ival?: number } } | undefined)?.ival?.ival;
      const ref = names((node?.ColumnRef as Node | undefined)?.fields);
      const reference = position !== undefined ? { position } : ref.length === 1 ? { name: ref[0] } : undefined;
      if (!reference) continue;
      for (const target of resolveTargetReference(targets, reference)) this.columns.readTarget(scope, target);
    }
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
      const parts = names(value.funcname);
      const name = parts[parts.length - 1];
      if (name && this.denied.isDenied(name)) {
        return { code: 'DENIED_FUNCTION', reason: `The function ${name}() is not allowed: it has side effects.` };
      }
      const call = { name: name ?? '', schema: parts.length >= 2 ? parts[parts.length - 2] : undefined };
      if (!this.allowed.allows(call)) return { code: 'FUNCTION_NOT_ALLOWED', reason: functionNotAllowedReason(call) };
    }
    if (key === 'TypeCast') return castProblem(names((value.typeName as Node | undefined)?.names));
    if (key === 'A_Expr') return operatorProblem(value);
    if (key === 'RangeVar') return deniedRelation(value) ?? catalogRelationProblem(value);
    return undefined;
  }

  /** `(c).x`: a field of a row, or on PostgreSQL a call x(c) when c has no column x: recorded as a use of c.x. */
  private fieldSelection(value: Node, scope: Scope): void {
    const parts = names(((value.arg as Node | undefined)?.ColumnRef as Node | undefined)?.fields);
    const field = ((value.indirection as Node[] | undefined)?.[0]?.String as { sval?: string } | undefined)?.sval;
    const qualifier = parts[parts.length - 1];
    if (qualifier === undefined || qualifier === '*' || field === undefined) return;
    this.columns.ref(scope, qualifier, field);
  }

  private columnRef(value: Node, scope: Scope): void {
    const parts = names(value.fields);
    const column = parts[parts.length - 1];
    if (column === undefined) return;
    if (parts.length === 1 && column !== '*') {
      this.columns.nameOrRow(scope, column, 'read');
      return;
    }
    this.columns.ref(scope, parts[parts.length - 2], column);
  }
}

function deniedRelation(value: Node): Rejection | undefined {
  const name = String(value.relname ?? '');
  const schema = typeof value.schemaname === 'string' ? value.schemaname : undefined;
  if (!isDeniedRelation('postgres', name, schema)) return undefined;
  return {
    code: 'DENIED_RELATION',
    reason: `Reading ${name} is not allowed: it holds credentials or server configuration.`,
  };
}

function names(fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  const out: string[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as { String?: { sval?: string }; A_Star?: unknown };
    out[i] = f.A_Star ? '*' : (f.String?.sval ?? '');
  }
  return out;
}

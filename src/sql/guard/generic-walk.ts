/**
 * Tables and columns from a node-sql-parser tree (MariaDB and SQLite), scope-aware for CTE names and conservative for
 * columns (see columns.ts for the contract). Names in the tree are strings or `{ type, value }` objects depending on
 * quoting; both are read. A double-quoted string is also taken as a column: SQLite (and MariaDB with ANSI_QUOTES)
 * reads `"email"` as the column when one exists.
 */
import type { GuardCode, TableRef } from '../types.js';
import { ColumnCollector, type OutputTarget, resolveTargetReference, Scope } from './columns.js';

type Node = Record<string, unknown>;
type CteScope = readonly (readonly string[])[];

/** A write node, INTO target or locking clause found in the tree. */
export type TreeProblem = { code: 'WRITE_STATEMENT' | 'SELECT_INTO' | 'LOCKING_READ'; reason: string };

export interface GenericExtraction {
  tables: TableRef[];
  collector: ColumnCollector;
  /** The first write, INTO or locking clause anywhere in the tree. */
  problem: TreeProblem | undefined;
  /** The first call (function or aggregate node) anywhere in the tree that `isCallProblem` refuses. */
  callProblem: { code: GuardCode; reason: string } | undefined;
  /** Every CTE name defined anywhere in the tree (lower case). */
  cteNames: Set<string>;
}

/** Node types that write or change state (a node of one of these types with a `table` is a hidden statement). */
const WRITE_NODE_TYPES = new Set([
  'insert',
  'update',
  'delete',
  'replace',
  'create',
  'drop',
  'alter',
  'truncate',
  'rename',
  'use',
  'set',
  'lock',
  'unlock',
  'grant',
  'revoke',
  'call',
  'transaction',
  'load_data',
]);

/** Any write node, INTO target or locking clause at this node. */
function nodeProblem(record: Node): TreeProblem | undefined {
  if (typeof record.type === 'string' && WRITE_NODE_TYPES.has(record.type.toLowerCase()) && 'table' in record) {
    return { code: 'WRITE_STATEMENT', reason: `A ${record.type.toUpperCase()} is hidden in the query.` };
  }
  const into = record.into as { position?: unknown; expr?: unknown } | undefined;
  if (into && typeof into === 'object' && (into.position != null || into.expr != null)) {
    return { code: 'SELECT_INTO', reason: 'SELECT ... INTO writes data and is not allowed.' };
  }
  if (record.locking_read != null || record.for_update != null) {
    return { code: 'LOCKING_READ', reason: 'Locking reads (FOR UPDATE / FOR SHARE) are not allowed.' };
  }
  return undefined;
}

/** The text of a name that may be a string, `{ value }` or `{ expr: { value } }`. */
export function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Node;
  if (typeof record.value === 'string') return record.value;
  if (record.expr !== undefined) return nameOf(record.expr);
  return undefined;
}

/** A column use queued during the walk, resolved once every scope of the statement is registered. */
interface Deferred {
  node: Node;
  scope: Scope;
}

/**
 * One depth-first pass over every object of the tree (the checks of the former separate walks, fused):
 * - problems: any write node, INTO target or locking clause, and any call `isCallProblem` refuses, wherever it is
 *   (CTE names and column lists and the parser's own table/column lists included);
 * - every CTE name defined anywhere;
 * - with the CTE names visible at each point (a WITH's names are visible in its query, and in a CTE body only the
 *   earlier ones, plus itself when RECURSIVE) and its SELECT scope: FROM entries registered into their scope, and
 *   column uses queued, then resolved after the walk when every scope is complete (after the outermost SELECT's
 *   outputs), so references resolve wherever they are written.
 */
export function extractGeneric(
  root: unknown,
  isCallProblem: (node: Node) => { code: GuardCode; reason: string } | undefined,
): GenericExtraction {
  const state = new Walk(isCallProblem);
  state.walk(root, [], state.top);
  const extraction: GenericExtraction = {
    tables: state.tables,
    collector: state.collector,
    problem: state.problem,
    callProblem: state.callProblem,
    cteNames: state.cteNames,
  };
  if (state.problem || state.callProblem) return extraction;
  const select = root as Node;
  if (select?.type === 'select' && select._next == null && select.set_op == null) {
    outputs(select, state.scopeOf(select, state.top), state.collector, state.outputNodes);
  }
  const { collector } = state;
  for (const { node, scope } of state.deferred) {
    if (state.outputNodes.has(node)) continue;
    if (node.type === 'column_ref') {
      const column = nameOf(node.column);
      if (column !== undefined) collector.ref(scope, nameOf(node.table) ?? undefined, column);
    } else if (node.type === 'double_quote_string' && typeof node.value === 'string') {
      collector.ref(scope, undefined, node.value);
    }
    if (Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) {
        for (const field of Array.isArray(entry.using) ? entry.using : []) {
          const name = nameOf(field);
          if (name) collector.ref(scope, undefined, name);
        }
        if (typeof entry.join === 'string' && NATURAL.test(entry.join)) collector.ref(scope, undefined, '*');
      }
    }
  }
  return extraction;
}

const NATURAL = /natural/i;

class Walk {
  readonly tables: TableRef[] = [];
  readonly collector = new ColumnCollector();
  readonly outputNodes = new Set<Node>();
  readonly top = new Scope(undefined);
  readonly cteNames = new Set<string>();
  readonly deferred: Deferred[] = [];
  problem: TreeProblem | undefined;
  callProblem: { code: GuardCode; reason: string } | undefined;
  private readonly keys = new Set<string>();
  private readonly scopes = new Map<Node, Scope>();

  constructor(private readonly isCallProblem: (node: Node) => { code: GuardCode; reason: string } | undefined) {}

  scopeOf(node: Node, parent: Scope): Scope {
    let scope = this.scopes.get(node);
    if (!scope) {
      scope = new Scope(parent);
      this.scopes.set(node, scope);
    }
    return scope;
  }

  /** Problems and CTE names only (parts of the tree the column analysis never read). */
  check(node: unknown): void {
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === 'object') this.check(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Node;
    this.inspect(record);
    for (const key in record) {
      const value = record[key];
      if (value !== null && typeof value === 'object') this.check(value);
    }
  }

  private inspect(record: Node): void {
    this.problem ??= nodeProblem(record);
    this.callProblem ??= this.isCallProblem(record);
    if (Array.isArray(record.with)) {
      for (const cte of record.with as { name?: { value?: unknown } | string }[]) {
        const name = typeof cte?.name === 'string' ? cte.name : cte?.name?.value;
        if (typeof name === 'string') this.cteNames.add(name.toLowerCase());
      }
    }
  }

  walk(node: unknown, ctes: CteScope, scope: Scope): void {
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === 'object') this.walk(child, ctes, scope);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Node;
    this.inspect(record);
    const here = record.type === 'select' ? this.scopeOf(record, scope) : scope;
    let inner = ctes;
    if (Array.isArray(record.with)) {
      const list = record.with as Node[];
      const names = list.map((c) => (nameOf(c?.name) ?? '').toLowerCase());
      const recursive = list.some((c) => c?.recursive === true);
      for (let i = 0; i < list.length; i++) {
        const cte = list[i];
        if (cte === null || typeof cte !== 'object') continue;
        this.walk(cte.stmt, [...ctes, names.slice(0, recursive ? i + 1 : i)], here);
        // the rest of the CTE (its name, its column list) is not part of the column analysis: problems only
        this.inspect(cte);
        for (const key in cte) if (key !== 'stmt') this.check(cte[key]);
      }
      inner = [...ctes, names];
    }
    this.register(record, inner, here);
    if (record.type === 'column_ref' || record.type === 'double_quote_string' || Array.isArray(record.from)) {
      this.deferred.push({ node: record, scope: here });
    }
    for (const key in record) {
      if (key === 'with') continue;
      const value = record[key];
      if (value === null || typeof value !== 'object') continue;
      // the parser's own lists of names (strings): problems only
      if (key === 'tableList' || key === 'columnList') this.check(value);
      else this.walk(value, inner, here);
    }
  }

  /** Every FROM entry into its SELECT's scope; real tables (not CTEs or subqueries) into the statement's tables. */
  private register(node: Node, ctes: CteScope, scope: Scope): void {
    if (!Array.isArray(node.from)) return;
    for (const entry of node.from as Node[]) {
      const alias = nameOf(entry.as);
      const table = nameOf(entry.table);
      if (table === undefined || entry.expr !== undefined) {
        scope.registerDerived(alias);
        continue;
      }
      const schema = nameOf(entry.db) ?? nameOf(entry.schema);
      if (!schema && ctes.some((names) => names.includes(table.toLowerCase()))) {
        scope.registerDerived(table);
        scope.registerDerived(alias);
        continue;
      }
      scope.registerTable(table, alias);
      const key = `${schema ?? ''}.${table}`;
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.tables.push(schema ? { schema, name: table } : { name: table });
    }
  }
}

/** The outermost SELECT list: bare columns and stars are outputs; ORDER/GROUP BY positions and aliases resolve. */
function outputs(select: Node, scope: Scope, collector: ColumnCollector, outputNodes: Set<Node>): void {
  const targets: (OutputTarget | undefined)[] = [];
  const items = select.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : select.columns;
  for (const item of (Array.isArray(items) ? items : []) as Node[]) {
    const expr = item.expr as Node | undefined;
    const alias = nameOf(item.as);
    // `(phone)` without an alias gets its text as the result name in MariaDB: not a plain output. `phone COLLATE x`
    // is a computation on the column (a binary collation turns it into bytes), aliased or not: a read.
    const plain = (expr?.parentheses !== true || alias !== undefined) && expr?.collate == null;
    if (plain && expr?.type === 'column_ref' && nameOf(expr.column) !== undefined) {
      outputNodes.add(expr);
      const column = nameOf(expr.column) as string;
      const qualifier = nameOf(expr.table) ?? undefined;
      collector.ref(scope, qualifier, column, 'output', alias);
      targets.push({ qualifier, column, alias });
    } else if (plain && expr?.type === 'double_quote_string' && typeof expr.value === 'string') {
      outputNodes.add(expr);
      collector.ref(scope, undefined, expr.value, 'output', alias);
      targets.push({ qualifier: undefined, column: expr.value, alias });
    } else {
      targets.push(undefined);
    }
  }
  // SELECT DISTINCT compares every output column: each is also read, as GROUP BY would (a masked one is refused)
  if (select.distinct != null && String(select.distinct).toLowerCase() !== 'all') {
    for (const target of targets) if (target) collector.readTarget(scope, target);
  }
  const group = select.groupby as { columns?: unknown } | unknown[] | null | undefined;
  const groupItems = Array.isArray(group) ? group : Array.isArray(group?.columns) ? group.columns : [];
  const orderItems = (Array.isArray(select.orderby) ? select.orderby : []).map((o: Node) => o.expr);
  for (const node of [...groupItems, ...orderItems] as (Node | undefined)[]) {
    const inner = (node?.type === undefined && node?.expr ? node.expr : node) as Node | undefined;
    let reference: { position?: number; name?: string } | undefined;
    if (inner?.type === 'number' && typeof inner.value === 'number') reference = { position: inner.value };
    else if (inner?.type === 'column_ref' && nameOf(inner.table) === undefined)
      reference = { name: nameOf(inner.column) };
    if (!reference) continue;
    for (const target of resolveTargetReference(targets, reference)) collector.readTarget(scope, target);
  }
}

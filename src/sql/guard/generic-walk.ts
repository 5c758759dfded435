/**
 * Tables and columns from a node-sql-parser tree (MariaDB and SQLite), scope-aware for CTE names and conservative for
 * columns (see columns.ts for the contract). Names in the tree are strings or `{ type, value }` objects depending on
 * quoting; both are read. A double-quoted string is also taken as a column: SQLite (and MariaDB with ANSI_QUOTES)
 * reads `"email"` as the column when one exists.
 */
import type { TableRef } from '../types.js';
import { ColumnCollector, type OutputTarget, resolveTargetReference, Scope } from './columns.js';

type Node = Record<string, unknown>;
type CteScope = readonly (readonly string[])[];

export interface GenericExtraction {
  tables: TableRef[];
  collector: ColumnCollector;
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

export function extractGeneric(root: unknown): GenericExtraction {
  const tables: TableRef[] = [];
  const keys = new Set<string>();
  const collector = new ColumnCollector();
  const outputNodes = new Set<Node>();
  const scopes = new Map<Node, Scope>();
  const top = new Scope(undefined);
  const scopeOf = (node: Node, parent: Scope) => {
    let scope = scopes.get(node);
    if (!scope) {
      scope = new Scope(parent);
      scopes.set(node, scope);
    }
    return scope;
  };

  walk(root, [], top, scopeOf, (node, ctes, scope) => {
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
      if (keys.has(key)) continue;
      keys.add(key);
      tables.push(schema ? { schema, name: table } : { name: table });
    }
  });

  const select = root as Node;
  if (select?.type === 'select' && select._next == null && select.set_op == null) {
    outputs(select, scopeOf(select, top), collector, outputNodes);
  }

  walk(root, [], top, scopeOf, (node, _ctes, scope) => {
    if (outputNodes.has(node)) return;
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
        if (typeof entry.join === 'string' && /natural/i.test(entry.join)) collector.ref(scope, undefined, '*');
      }
    }
  });
  return { tables, collector };
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

/**
 * Depth-first over every object of the tree with the CTE names visible there (lower case; a WITH's names are
 * visible in its query, and in a CTE body only the earlier ones, plus itself when RECURSIVE) and its SELECT scope.
 */
function walk(
  node: unknown,
  ctes: CteScope,
  scope: Scope,
  scopeOf: (node: Node, parent: Scope) => Scope,
  onNode: (node: Node, ctes: CteScope, scope: Scope) => void,
): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, ctes, scope, scopeOf, onNode);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Node;
  const here = record.type === 'select' ? scopeOf(record, scope) : scope;
  let inner = ctes;
  if (Array.isArray(record.with)) {
    const list = record.with as Node[];
    const names = list.map((c) => (nameOf(c.name) ?? '').toLowerCase());
    const recursive = list.some((c) => c.recursive === true);
    list.forEach((cte, i) => {
      walk(cte.stmt, [...ctes, names.slice(0, recursive ? i + 1 : i)], here, scopeOf, onNode);
    });
    inner = [...ctes, names];
  }
  onNode(record, inner, here);
  for (const [key, value] of Object.entries(record)) {
    if (key === 'with' || key === 'tableList' || key === 'columnList') continue;
    walk(value, inner, here, scopeOf, onNode);
  }
}

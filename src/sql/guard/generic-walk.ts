/**
 * Tables and columns from a node-sql-parser tree (MariaDB and SQLite), scope-aware for CTE names and conservative for
 * columns (see columns.ts for the contract). Names in the tree are strings or `{ type, value }` objects depending on
 * quoting; both are read. A double-quoted string is also taken as a column: SQLite (and MariaDB with ANSI_QUOTES)
 * reads `"email"` as the column when one exists.
 */
import type { TableRef } from '../types.js';
import { ColumnCollector, type OutputTarget, resolveTargetReference } from './columns.js';

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

  walk(root, [], (node, scope) => {
    if (!Array.isArray(node.from)) return;
    for (const entry of node.from as Node[]) {
      const alias = nameOf(entry.as);
      const table = nameOf(entry.table);
      if (table === undefined || entry.expr !== undefined) {
        collector.registerDerived(alias);
        continue;
      }
      const schema = nameOf(entry.db) ?? nameOf(entry.schema);
      if (!schema && scope.some((names) => names.includes(table.toLowerCase()))) {
        collector.registerDerived(table);
        collector.registerDerived(alias);
        continue;
      }
      collector.registerTable(table, alias);
      const key = `${schema ?? ''}.${table}`;
      if (keys.has(key)) continue;
      keys.add(key);
      tables.push(schema ? { schema, name: table } : { name: table });
    }
  });

  const top = root as Node;
  if (top?.type === 'select' && top._next == null && top.set_op == null) outputs(top, collector, outputNodes);

  walk(root, [], (node) => {
    if (outputNodes.has(node)) return;
    if (node.type === 'column_ref') {
      const column = nameOf(node.column);
      if (column !== undefined) collector.ref(nameOf(node.table) ?? undefined, column);
    } else if (node.type === 'double_quote_string' && typeof node.value === 'string') {
      collector.ref(undefined, node.value);
    }
    if (Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) {
        for (const field of Array.isArray(entry.using) ? entry.using : []) {
          const name = nameOf(field);
          if (name) collector.ref(undefined, name);
        }
        if (typeof entry.join === 'string' && /natural/i.test(entry.join)) collector.ref(undefined, '*');
      }
    }
  });
  return { tables, collector };
}

/** The outermost SELECT list: bare columns and stars are outputs; ORDER/GROUP BY positions and aliases resolve. */
function outputs(select: Node, collector: ColumnCollector, outputNodes: Set<Node>): void {
  const targets: (OutputTarget | undefined)[] = [];
  const items = select.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : select.columns;
  for (const item of (Array.isArray(items) ? items : []) as Node[]) {
    const expr = item.expr as Node | undefined;
    const alias = nameOf(item.as);
    if (expr?.type === 'column_ref' && nameOf(expr.column) !== undefined) {
      outputNodes.add(expr);
      const column = nameOf(expr.column) as string;
      const qualifier = nameOf(expr.table) ?? undefined;
      collector.ref(qualifier, column, 'output', alias);
      targets.push({ qualifier, column, alias });
    } else if (expr?.type === 'double_quote_string' && typeof expr.value === 'string') {
      outputNodes.add(expr);
      collector.ref(undefined, expr.value, 'output', alias);
      targets.push({ qualifier: undefined, column: expr.value, alias });
    } else {
      targets.push(undefined);
    }
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
    for (const target of resolveTargetReference(targets, reference)) collector.readTarget(target);
  }
}

/**
 * Depth-first over every object of the tree with the CTE names visible there (lower case): a WITH's names are
 * visible in its query, and in a CTE body only the earlier ones (plus itself when RECURSIVE).
 */
function walk(node: unknown, scope: CteScope, onNode: (node: Node, scope: CteScope) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, scope, onNode);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Node;
  let inner = scope;
  if (Array.isArray(record.with)) {
    const ctes = record.with as Node[];
    const names = ctes.map((c) => (nameOf(c.name) ?? '').toLowerCase());
    const recursive = ctes.some((c) => c.recursive === true);
    ctes.forEach((cte, i) => {
      walk(cte.stmt, [...scope, names.slice(0, recursive ? i + 1 : i)], onNode);
    });
    inner = [...scope, names];
  }
  onNode(record, inner);
  for (const [key, value] of Object.entries(record)) {
    if (key === 'with' || key === 'tableList' || key === 'columnList') continue;
    walk(value, inner, onNode);
  }
}

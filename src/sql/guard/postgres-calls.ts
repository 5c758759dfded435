/**
 * PostgreSQL calls that do not look like calls: casts to reg* types (they resolve names, so `'salaries'::regclass`
 * confirms a hidden table), operators (each is a function; a user-defined operator runs a user-defined function) and
 * catalog relations (some expose server files or settings: pg_file_settings, pg_hba_file_rules,
 * pg_ident_file_mappings, pg_settings...). Allow-lists, like the function list: only the reviewed operator symbols,
 * and only the catalog relations that describe the schema. Change with a security review.
 */
import type { GuardCode } from '../types.js';

type Node = Record<string, unknown>;

interface Rejection {
  code: GuardCode;
  reason: string;
}

/** Built-in operator symbols (arithmetic, comparison, pattern, bit, JSON, array, range, geometric, text search). */
const ALLOWED_OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '|/',
  '||/',
  '@',
  '&',
  '|',
  '#',
  '~',
  '<<',
  '>>',
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '||',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
  '~*',
  '!~',
  '!~*',
  '->',
  '->>',
  '#>',
  '#>>',
  '#-',
  '@>',
  '<@',
  '?',
  '?|',
  '?&',
  '@?',
  '@@',
  '@@@',
  '&&',
  '-|-',
  '&<',
  '&>',
  '<<|',
  '|>>',
  '<<=',
  '>>=',
  '<->',
  '^@',
]);

/** Which A_Expr kinds carry an operator name (the rest are BETWEEN, IN, LIKE... with fixed built-in meanings). */
const OPERATOR_KINDS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL']);

export function operatorProblem(expr: Node): Rejection | undefined {
  if (!OPERATOR_KINDS.has(String(expr.kind))) return undefined;
  const parts = strings(expr.name);
  const symbol = parts[parts.length - 1] ?? '';
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  if (ALLOWED_OPERATORS.has(symbol) && (schema === undefined || schema.toLowerCase() === 'pg_catalog'))
    return undefined;
  const label = schema ? `OPERATOR(${schema}.${symbol})` : symbol;
  return {
    code: 'FUNCTION_NOT_ALLOWED',
    reason: `The operator ${label} is not a reviewed built-in operator (an operator runs a function, which could read protected data).`,
  };
}

/** Object identifier types: their input functions look names up in the catalog. */
const NAME_LOOKUP_TYPES = new Set([
  'regclass',
  'regcollation',
  'regconfig',
  'regdictionary',
  'regnamespace',
  'regoper',
  'regoperator',
  'regproc',
  'regprocedure',
  'regrole',
  'regtype',
]);

export function castProblem(typeNames: readonly string[]): Rejection | undefined {
  const type = (typeNames[typeNames.length - 1] ?? '').toLowerCase();
  if (!NAME_LOOKUP_TYPES.has(type.replace(/^_/, ''))) return undefined;
  return {
    code: 'CAST_NOT_ALLOWED',
    reason: `A cast to ${type} looks names up in the catalog (it would confirm that a table, function or type exists); it is not allowed.`,
  };
}

/** Catalog relations that only describe the schema (tables, columns, types, constraints, views, statistics counts). */
const ALLOWED_CATALOG_RELATIONS = new Set([
  'pg_class',
  'pg_namespace',
  'pg_attribute',
  'pg_attrdef',
  'pg_index',
  'pg_indexes',
  'pg_constraint',
  'pg_type',
  'pg_enum',
  'pg_range',
  'pg_views',
  'pg_tables',
  'pg_matviews',
  'pg_description',
  'pg_inherits',
  'pg_partitioned_table',
  'pg_am',
  'pg_collation',
  'pg_depend',
  'pg_extension',
  'pg_sequence',
  'pg_sequences',
  'pg_database',
  'pg_proc',
  'pg_stat_user_tables',
  'pg_statio_user_tables',
  'pg_stat_user_indexes',
  'pg_timezone_names',
  'pg_timezone_abbrevs',
]);

/**
 * A relation in pg_catalog (named so, or unqualified with a `pg_` name: pg_catalog is searched first) must be on the
 * list above.
 */
export function catalogRelationProblem(rangeVar: Node): Rejection | undefined {
  const name = String(rangeVar.relname ?? '').toLowerCase();
  const schema = typeof rangeVar.schemaname === 'string' ? rangeVar.schemaname.toLowerCase() : undefined;
  const inCatalog = schema === 'pg_catalog' || (schema === undefined && name.startsWith('pg_'));
  if (!inCatalog || ALLOWED_CATALOG_RELATIONS.has(name)) return undefined;
  return {
    code: 'DENIED_RELATION',
    reason: `Reading pg_catalog.${name} is not allowed: only catalog relations that describe the schema can be read (some expose server files, settings or other sessions).`,
  };
}

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((f: { String?: { sval?: string } }) => f.String?.sval ?? '');
}

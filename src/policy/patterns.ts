/** Name patterns of the policy: case-insensitive, `*` matches any run of characters (including none). */

const cache = new Map<string, RegExp>();

export function globMatches(pattern: string, value: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    const source = pattern
      .toLowerCase()
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`);
    cache.set(pattern, regex);
  }
  return regex.test(value.toLowerCase());
}

/** A relation as the catalog knows it (schema is the PostgreSQL schema or the MariaDB database; none for SQLite). */
export interface RelationName {
  schema?: string;
  name: string;
}

/** `name` matches a relation of that name in any schema; `schema.name` only in that schema. */
export function tablePatternMatches(pattern: string, relation: RelationName): boolean {
  const parts = pattern.split('.');
  if (parts.length === 1) return globMatches(parts[0]!, relation.name);
  return (
    globMatches(parts[1]!, relation.name) && relation.schema !== undefined && globMatches(parts[0]!, relation.schema)
  );
}

/** The table part of a column pattern (`t.c` -> `t`, `s.t.c` -> `s.t`) and its column part. */
export function splitColumnPattern(pattern: string): { table: string; column: string } {
  const at = pattern.lastIndexOf('.');
  return { table: pattern.slice(0, at), column: pattern.slice(at + 1) };
}

export function columnPatternMatches(pattern: string, relation: RelationName, column: string): boolean {
  const { table, column: columnPart } = splitColumnPattern(pattern);
  return tablePatternMatches(table, relation) && globMatches(columnPart, column);
}

export function relationLabel(relation: RelationName): string {
  return relation.schema ? `${relation.schema}.${relation.name}` : relation.name;
}

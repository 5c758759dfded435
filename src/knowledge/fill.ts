/**
 * Fills a verified query's `{{placeholders}}` with SQL literals. Threat model: parameter values come from user
 * text, so nothing is spliced raw. Dates are re-validated as YYYY-MM-DD, numbers as integers, enum values must be
 * one of the known values, and text is quoted with the dialect's escaping (MariaDB: backslashes too, since the
 * adapter pins a sql_mode where backslash escapes are on). The filled SQL then passes the guard like any other.
 */

import { BugError } from '../common/errors.js';
import type { SqlDialect } from '../sql/index.js';
import type { ParameterDefinition } from './files.js';
import type { ExtractedParameter } from './parameters.js';

export function sqlStringLiteral(value: string, dialect: SqlDialect): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL bytes are stripped on purpose.
  let escaped = value.replace(/\u0000/g, '').replace(/'/g, "''");
  if (dialect === 'mariadb') escaped = escaped.replace(/\\/g, '\\\\');
  return `'${escaped}'`;
}

export function fillSql(
  sql: string,
  definitions: Readonly<Record<string, ParameterDefinition>>,
  parameters: readonly ExtractedParameter[],
  dialect: SqlDialect,
  enumValues: ReadonlyMap<string, readonly string[]>,
): string {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  return sql.replace(/\{\{\s*([a-z][a-z0-9_]*)(?:\.([a-z]+))?\s*\}\}/g, (_all, name: string, part?: string) => {
    const parameter = byName.get(name);
    const definition = definitions[name];
    if (!parameter || !definition) throw new BugError(`parameter ${name} has no value to fill`);
    const value = parameter.value;
    switch (value.type) {
      case 'date_range': {
        const date = part === 'end' ? value.range.end : value.range.start;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new BugError(`bad date ${date}`);
        return `'${date}'`;
      }
      case 'number':
        if (!Number.isSafeInteger(value.value)) throw new BugError(`bad number for ${name}`);
        return String(value.value);
      case 'enum': {
        const known = enumValues.get(name) ?? (definition.type === 'enum' ? definition.values : undefined) ?? [];
        if (!known.includes(value.value)) throw new BugError(`${name} value is not a known value`);
        return sqlStringLiteral(value.value, dialect);
      }
      case 'text': {
        if (part === 'contains') return sqlStringLiteral(`%${value.value.replace(/[%_]/g, '')}%`, dialect);
        return sqlStringLiteral(value.value, dialect);
      }
    }
  });
}

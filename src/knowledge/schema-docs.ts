/**
 * Schema retrieval items: one searchable text per table (name, comment, columns with types and comments, foreign
 * keys), so search returns the few tables relevant to a question in a large database.
 */
import type { SchemaSnapshot } from '../sql/introspect/index.js';

export function schemaDocuments(
  snapshot: SchemaSnapshot,
  connection: string,
): { id: string; title: string; text: string; connection: string }[] {
  return snapshot.tables.map((table) => {
    const name = table.schema && table.schema !== 'public' ? `${table.schema}.${table.name}` : table.name;
    const columns = table.columns.map((c) => `${c.name} (${c.type})${c.comment ? `: ${c.comment}` : ''}`);
    const keys = table.foreignKeys.map(
      (fk) => `${fk.columns.join(',')} -> ${fk.references.table}(${fk.references.columns.join(',')})`,
    );
    const text = [
      `Table ${name}${table.comment ? `: ${table.comment}` : ''}`,
      `Columns: ${columns.join('; ')}`,
      keys.length ? `Joins: ${keys.join('; ')}` : '',
      `Words: ${name.replace(/_/g, ' ')} ${table.columns.map((c) => c.name.replace(/_/g, ' ')).join(' ')}`,
    ]
      .filter(Boolean)
      .join('\n');
    return { id: `schema:${connection}:${name}`, title: name, text, connection };
  });
}

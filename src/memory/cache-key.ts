import { createHash } from 'node:crypto';

/**
 * The SQL text a cache key is computed from: every whitespace run collapsed to one space (inside quoted literals
 * too, so two statements differing only in a literal's inner spacing share a key: an accepted, rare collision),
 * trailing semicolons dropped. Case is preserved: `'A'` and `'a'` are different queries.
 */
export function normalizeCacheSql(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\s;]+$/, '')
    .trim();
}

/** sha256 (hex) of connection, data version and normalized SQL, NUL-separated so the parts cannot run together. */
export function cacheKey(connection: string, dataVersion: string, sql: string): string {
  return createHash('sha256')
    .update(`${connection}\u0000${dataVersion}\u0000${normalizeCacheSql(sql)}`)
    .digest('hex');
}

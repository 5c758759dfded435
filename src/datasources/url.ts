import { isAbsolute, resolve } from 'node:path';
import type { SqlDialect } from '../sql/dialect.js';

export interface ParsedConnectionUrl {
  dialect: SqlDialect;
  /** For sqlite: the database file path (absolute when a base directory was given). */
  path?: string;
}

/**
 * Recognises `postgres://`, `postgresql://` (Supabase included), `mysql://`, `mariadb://` and `sqlite:<path>`
 * (`sqlite:relative/file.db`, `sqlite:/abs/file.db`, `sqlite:///abs/file.db`). Throws an Error with a message that
 * never contains the URL's password.
 */
export function parseConnectionUrl(url: string, baseDir?: string): ParsedConnectionUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('///')) path = path.slice(2);
    else if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error('A sqlite: URL needs a file path, e.g. sqlite:./data/shop.db');
    if (path === ':memory:')
      throw new Error('sqlite::memory: databases are empty and not supported; give a file path.');
    return { dialect: 'sqlite', path: baseDir && !isAbsolute(path) ? resolve(baseDir, path) : path };
  }
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql' || scheme === 'mariadb') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`Not a valid ${scheme}:// URL (expected ${scheme}://user:password@host:port/database).`);
    }
    if (!parsed.hostname) throw new Error(`The ${scheme}:// URL has no host.`);
    return { dialect: scheme.startsWith('postgres') ? 'postgres' : 'mariadb' };
  }
  throw new Error(
    `Unsupported connection URL scheme "${scheme ?? url.slice(0, 12)}": use postgres://, postgresql://, mysql://, mariadb:// or sqlite:<path>.`,
  );
}

import { join } from 'node:path';
import { elapsedSince } from './load-common.js';
import { loadDemoSqlite, readDemoSqliteFingerprint } from './load-sqlite.js';
import { demoFingerprint } from './options.js';

export interface EnsureDemoSqliteArgs {
  /** Directory for Sleuth's own files; the database is `<dataDir>/demo.sqlite`. */
  dataDir: string;
  /** Anchor for the data; only its UTC calendar date matters. Default: now. */
  now?: Date;
  logger: { info(obj: object, msg?: string): void };
}

const building = new Map<string, Promise<void>>();

/**
 * Returns the path of the SQLite demo database, (re)building it with the default seed and scale when it is missing
 * or was built for another anchor date. A file built earlier the same (UTC) day is reused. Safe under concurrency:
 * calls in one process share a build; separate processes each build a temporary file and rename it into place.
 */
export async function ensureDemoSqlite(args: EnsureDemoSqliteArgs): Promise<string> {
  const path = join(args.dataDir, 'demo.sqlite');
  const options = { anchor: args.now ?? new Date() };
  const wanted = demoFingerprint(options);
  if ((await readDemoSqliteFingerprint(path)) === wanted) return path;
  const key = `${path}\n${wanted}`;
  let build = building.get(key);
  if (!build) {
    build = (async () => {
      const start = performance.now();
      const result = await loadDemoSqlite(path, options);
      const rows = Object.values(result.tables).reduce((sum, n) => sum + n, 0);
      args.logger.info({ path, fingerprint: wanted, rows, elapsedMs: elapsedSince(start) }, 'built the demo database');
    })().finally(() => building.delete(key));
    building.set(key, build);
  }
  await build;
  return path;
}

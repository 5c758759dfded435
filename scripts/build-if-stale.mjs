#!/usr/bin/env node
/**
 * `npm run demo` builds only when dist/ is older than the sources: the newest mtime under src/ (files and folders, so
 * a deleted file counts too) and the tsconfig files is compared with dist/.build-stamp, written after a successful
 * build. Usage: node scripts/build-if-stale.mjs [--root <dir>] [build command...] (default: npm run build --silent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('dist', '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time (ms) of a file or anything below a folder; 0 when it does not exist. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function isStale(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return INPUTS.some((input) => newestMtime(join(root, input)) > built);
}

function main(argv) {
  let root = process.cwd();
  const args = [...argv];
  if (args[0] === '--root') {
    root = args[1];
    args.splice(0, 2);
  }
  if (!isStale(root)) {
    process.stderr.write('dist/ is up to date with src/; skipping the build.\n');
    return 0;
  }
  const [command, ...rest] = args.length > 0 ? args : ['npm', 'run', 'build', '--silent'];
  const run = spawnSync(command, rest, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) return run.status ?? 1;
  writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

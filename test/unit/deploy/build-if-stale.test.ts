/** `npm run demo` rebuilds only when src/ changed since the last build (scripts/build-if-stale.mjs). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'scripts', 'build-if-stale.mjs');

/** Runs the script with a stand-in build command that appends a line to build.log and creates dist/. */
function runDemoBuild(root: string): { status: number | null; stderr: string } {
  const build = "require('fs').mkdirSync('dist',{recursive:true});require('fs').appendFileSync('build.log','tsc\\n')";
  const run = spawnSync(process.execPath, [SCRIPT, '--root', root, process.execPath, '-e', build], {
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

const builds = (root: string) => readFileSync(join(root, 'build.log'), 'utf8').split('\n').filter(Boolean).length;

describe('build-if-stale', () => {
  it('builds the first time, skips on an unchanged tree, rebuilds after a source edit or deletion', () => {
    const root = mkdtempSync(join(tmpdir(), 'sleuth-build-'));
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'old.ts'), 'export const b = 1;\n');
    const past = new Date(Date.now() - 60_000);
    for (const path of ['src/cli/main.ts', 'src/old.ts', 'src/cli', 'src']) utimesSync(join(root, path), past, past);

    expect(runDemoBuild(root).status).toBe(0);
    expect(builds(root)).toBe(1);

    const second = runDemoBuild(root);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/up to date/);
    expect(builds(root)).toBe(1);

    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export const a = 2;\n');
    expect(runDemoBuild(root).status).toBe(0);
    expect(builds(root)).toBe(2);

    rmSync(join(root, 'src', 'old.ts'));
    expect(runDemoBuild(root).status).toBe(0);
    expect(builds(root)).toBe(3);
    expect(runDemoBuild(root).status).toBe(0);
    expect(builds(root)).toBe(3);
  });

  it('leaves no stamp when the build fails, so the next run builds again', () => {
    const root = mkdtempSync(join(tmpdir(), 'sleuth-build-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), '');
    const failing = spawnSync(process.execPath, [SCRIPT, '--root', root, process.execPath, '-e', 'process.exit(3)']);
    expect(failing.status).toBe(3);
    expect(runDemoBuild(root).status).toBe(0);
    expect(builds(root)).toBe(1);
  });

  it('is what npm run demo runs before the demo', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'));
    expect(pkg.scripts.demo).toMatch(/^node scripts\/build-if-stale\.mjs && node bin\/sleuth\.js demo$/);
  });
});

/**
 * Adding and removing verified query files, the same from the CLI (`sleuth kb add|remove`) and the HTTP API. A
 * verified query is kept only when it fits the live schema (guard + EXPLAIN at sync); otherwise the folder is put
 * back as it was (the previous file restored, or the new one removed) and re-synced. Callers serialise changes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import type { KnowledgeBase } from './base.js';

export async function installVerifiedQuery(
  base: Pick<KnowledgeBase, 'sync'>,
  input: { dir: string; name: string; write: (target: string) => Promise<void>; replace: boolean },
): Promise<{ file: string; replaced: boolean }> {
  const folder = join(input.dir, 'verified');
  const file = join(folder, `${input.name}.yaml`);
  const previous = existsSync(file) ? await readFile(file) : undefined;
  if (previous && !input.replace) {
    throw new UserError('CONFLICT', `A verified query named ${input.name} exists already; remove it first.`);
  }
  await mkdir(folder, { recursive: true });
  let kept = false;
  try {
    await input.write(file);
    const report = await base.sync();
    const stale = report.stale.find((s) => s.name === input.name);
    if (stale) {
      throw new UserError(
        'KNOWLEDGE_INVALID',
        `Not added: ${input.name} does not fit the live schema: ${stale.reason}`,
      );
    }
    kept = true;
  } finally {
    if (!kept) {
      if (previous) await writeFile(file, previous);
      else await rm(file, { force: true });
      await base.sync().catch(() => undefined);
    }
  }
  return { file, replaced: previous !== undefined };
}

export async function removeVerifiedQuery(
  base: Pick<KnowledgeBase, 'list' | 'sync'>,
  input: { dir: string; name: string },
): Promise<{ file: string }> {
  const entry = (await base.list()).find((q) => q.name === input.name);
  if (!entry) throw new UserError('NOT_FOUND', `No verified query named ${input.name}.`);
  await rm(join(input.dir, entry.file));
  await base.sync();
  return { file: entry.file };
}

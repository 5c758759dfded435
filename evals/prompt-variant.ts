/**
 * The system prompt an eval runs with, named the way a maintainer compares prompts: `current` (PROMPT_VERSION),
 * `previous` (the highest shipped version below it), a shipped version (`system.v3`), or a candidate file
 * (`path/to/system.v5.md`, relative to the repository root or absolute; its version is the file name without `.md`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { PROMPT_VERSION, promptTemplate, type SystemPromptTemplate } from '../src/agent/index.js';

const PROMPTS_DIR = join(import.meta.dirname, '..', 'src', 'agent', 'prompts');

const versionNumber = (version: string) => Number(/^system\.v(\d+)$/.exec(version)?.[1] ?? Number.NaN);

/** Shipped versions (system.vN.md next to the prompt module), oldest first. */
export function shippedPromptVersions(): string[] {
  return readdirSync(PROMPTS_DIR)
    .filter((f) => /^system\.v\d+\.md$/.test(f))
    .map((f) => f.slice(0, -'.md'.length))
    .sort((a, b) => versionNumber(a) - versionNumber(b));
}

export function promptVariant(spec: string | undefined, root: string): SystemPromptTemplate {
  const wanted = (spec ?? '').trim() || 'current';
  if (wanted === 'current') return promptTemplate(PROMPT_VERSION);
  if (wanted === 'previous') {
    const current = versionNumber(PROMPT_VERSION);
    const previous = shippedPromptVersions()
      .filter((v) => versionNumber(v) < current)
      .at(-1);
    if (!previous) throw new Error(`no prompt version before ${PROMPT_VERSION}`);
    return promptTemplate(previous);
  }
  if (wanted.endsWith('.md')) {
    const path = isAbsolute(wanted) ? wanted : join(root, wanted);
    const text = readFileSync(path, 'utf8');
    const name = basename(wanted, '.md');
    // a candidate edited from a shipped file keeps its name on disk, but is not that version
    const shipped = shippedPromptVersions().includes(name) ? promptTemplate(name).text : undefined;
    return { version: shipped !== undefined && shipped !== text ? `${name}-candidate` : name, text };
  }
  return promptTemplate(wanted);
}

/**
 * Where a provider's cassettes live for a prompt: evals/cassettes/golden-<provider> for the current prompt,
 * golden-<provider>@<version> for any other (turns recorded with one prompt never replay for another). Replay reads the
 * scripted reference's.
 */
export function defaultCassetteDir(root: string, provider: string, version: string): string {
  const name = `golden-${provider === 'replay' ? 'scripted' : provider}`;
  return join(root, 'evals', 'cassettes', version === PROMPT_VERSION ? name : `${name}@${version}`);
}

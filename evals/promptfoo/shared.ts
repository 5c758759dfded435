/**
 * What the promptfoo adapter files share inside one promptfoo process: the golden environment (dataset, demo
 * database, guard, executor, memory), opened once, and the provider selection. promptfoo loads these TypeScript
 * files itself (through tsx); nothing here is imported by Sleuth.
 */
import { join } from 'node:path';
import { PROMPT_VERSION } from '../../src/agent/index.js';
import { createModelProvider } from '../../src/agent/models/from-config.js';
import { loadConfig } from '../../src/config/index.js';
import { type GoldenEnvironment, openGoldenEnvironment } from '../golden/environment.js';
import type { GoldenProviderName } from '../golden/runner.js';
import { defaultCassetteDir } from '../prompt-variant.js';

export const ROOT = join(import.meta.dirname, '..', '..');

let opening: Promise<GoldenEnvironment> | undefined;

export function goldenEnvironment(): Promise<GoldenEnvironment> {
  opening ??= openGoldenEnvironment({ root: ROOT });
  return opening;
}

const PROVIDERS: readonly GoldenProviderName[] = ['scripted', 'replay', 'anthropic', 'openai-compatible'];

/** EVAL_PROVIDER (or the provider's `config.provider`): scripted (default), replay, anthropic, openai-compatible. */
export function providerName(configured?: unknown): GoldenProviderName {
  const wanted = String(process.env.EVAL_PROVIDER ?? configured ?? 'scripted');
  if (!PROVIDERS.includes(wanted as GoldenProviderName)) {
    throw new Error(`EVAL_PROVIDER must be one of ${PROVIDERS.join(', ')}; got "${wanted}"`);
  }
  return wanted as GoldenProviderName;
}

export function liveProviderFactory(name: GoldenProviderName, env: GoldenEnvironment) {
  if (name !== 'anthropic' && name !== 'openai-compatible') return undefined;
  const config = loadConfig({ env: { ...process.env, SLEUTH_LLM_PROVIDER: name }, cwd: ROOT }).model;
  return () => createModelProvider(config, env.logger);
}

/**
 * The cassette folder of a provider and prompt version: EVAL_CASSETTES (for the current prompt; `<it>@<version>` for
 * another), else evals/cassettes/golden-<provider>[@<version>] (replay reads the scripted reference's).
 */
export function cassetteDir(name: GoldenProviderName, promptVersion: string = PROMPT_VERSION): string {
  const given = process.env.EVAL_CASSETTES;
  if (given) return promptVersion === PROMPT_VERSION ? given : `${given}@${promptVersion}`;
  return defaultCassetteDir(ROOT, name, promptVersion);
}

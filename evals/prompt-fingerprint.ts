/**
 * What the model is told, as one hash: the system prompt file of PROMPT_VERSION, the dialect rules and the tool
 * schemas (names, descriptions, JSON Schemas). evals/prompt-versions.json records the hash of each prompt version; a
 * test fails when the prompt material changed without a new PROMPT_VERSION (or the new version's hash is not recorded),
 * so every baseline and cassette names the prompt it was made with.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECT_RULES } from '../src/agent/prompts/dialect-rules.js';
import { PROMPT_VERSION } from '../src/agent/prompts/index.js';
import { toolSpecs } from '../src/agent/steps/run-tools.js';

export function promptFingerprint(root: string, version: string = PROMPT_VERSION): string {
  const prompt = readFileSync(join(root, 'src', 'agent', 'prompts', `${version}.md`), 'utf8');
  const material = JSON.stringify({ prompt, dialects: DIALECT_RULES, tools: toolSpecs() });
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

export function recordedFingerprints(root: string): Record<string, string> {
  return JSON.parse(readFileSync(join(root, 'evals', 'prompt-versions.json'), 'utf8')) as Record<string, string>;
}

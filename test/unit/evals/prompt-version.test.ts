/** A prompt or tool-schema change must come with a new PROMPT_VERSION whose hash is recorded. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { promptFingerprint, recordedFingerprints } from '../../../evals/prompt-fingerprint.js';
import { PROMPT_VERSION } from '../../../src/agent/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

it('the prompt files and tool schemas hash to the hash recorded for PROMPT_VERSION', () => {
  const recorded = recordedFingerprints(ROOT)[PROMPT_VERSION];
  const now = promptFingerprint(ROOT);
  // On failure: the system prompt, dialect rules or a tool's description/schema changed. Bump PROMPT_VERSION (new
  // src/agent/prompts/system.vN.md), record {"system.vN": "<hash>"} in evals/prompt-versions.json, re-record the
  // cassettes (npm run eval -- --provider scripted --record) and run a live baseline for the new version.
  expect({ version: PROMPT_VERSION, hash: now }).toEqual({ version: PROMPT_VERSION, hash: recorded });
});

it('changes with the prompt text', () => {
  expect(promptFingerprint(ROOT, 'system.v2')).not.toBe(promptFingerprint(ROOT, 'system.v3'));
});

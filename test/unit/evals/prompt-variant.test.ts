/** The prompt an eval runs with: current, previous, a shipped version or a candidate file; unknown names fail. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { defaultCassetteDir, promptVariant, shippedPromptVersions } from '../../../evals/prompt-variant.js';
import { buildSystemPrompt, PROMPT_VERSION, promptTemplate } from '../../../src/agent/prompts/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'sleuth-prompt-variant-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('names current, previous and shipped versions', () => {
  const shipped = shippedPromptVersions();
  expect(shipped.at(-1)).toBe(PROMPT_VERSION);
  expect(promptVariant(undefined, ROOT).version).toBe(PROMPT_VERSION);
  expect(promptVariant('current', ROOT)).toEqual(promptTemplate());
  expect(promptVariant('previous', ROOT).version).toBe(shipped.at(-2));
  expect(promptVariant('system.v2', ROOT).text).not.toBe(promptVariant('system.v3', ROOT).text);
});

it('reads a candidate file; an edited copy of a shipped file is not that version', () => {
  const fresh = join(scratch, 'system.v99.md');
  writeFileSync(fresh, 'Candidate for {{connection}}.');
  expect(promptVariant(fresh, ROOT)).toEqual({ version: 'system.v99', text: 'Candidate for {{connection}}.' });
  const edited = join(scratch, `${PROMPT_VERSION}.md`);
  writeFileSync(edited, `${promptTemplate().text}\nOne more rule.\n`);
  expect(promptVariant(edited, ROOT).version).toBe(`${PROMPT_VERSION}-candidate`);
  writeFileSync(edited, promptTemplate().text);
  expect(promptVariant(edited, ROOT).version).toBe(PROMPT_VERSION);
});

it('refuses unknown versions and names that leave the prompt folder', () => {
  expect(() => promptVariant('system.v0', ROOT)).toThrow(/Unknown prompt version "system.v0"/);
  expect(() => promptVariant('../../package', ROOT)).toThrow(/Unknown prompt version/);
  expect(() => promptTemplate('system.v4/../../x')).toThrow(/Unknown prompt version/);
});

it('fills a given template and keeps cassettes of other prompts apart', () => {
  const input = { dialect: 'sqlite' as const, connection: 'demo', today: '2026-01-01', tableOverview: 'Tables: t.' };
  expect(buildSystemPrompt(input, { version: 'x', text: '{{connection}} {{today}} {{table_overview}}' })).toBe(
    'demo 2026-01-01 Tables: t.',
  );
  expect(buildSystemPrompt(input)).toContain('Tables: t.');
  expect(defaultCassetteDir(ROOT, 'anthropic', PROMPT_VERSION)).toBe(
    join(ROOT, 'evals', 'cassettes', 'golden-anthropic'),
  );
  expect(defaultCassetteDir(ROOT, 'replay', 'system.v99')).toBe(
    join(ROOT, 'evals', 'cassettes', 'golden-scripted@system.v99'),
  );
});

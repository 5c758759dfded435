import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/errors.js';
import { loadConfig } from '../../../src/config/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sleuth-pii-config-'));

function problems(env: Record<string, string>, file?: string): readonly string[] {
  const cwd = dir();
  if (file) writeFileSync(join(cwd, 'sleuth.config.yaml'), file);
  try {
    loadConfig({ env, cwd });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('pii configuration', () => {
  it('defaults to masked values for the model', () => {
    expect(loadConfig({ env: {}, cwd: dir() }).pii).toEqual({ modelView: 'masked' });
  });

  it('takes raw from the environment or the file (environment wins)', () => {
    expect(loadConfig({ env: { SLEUTH_PII_MODEL_VIEW: 'raw' }, cwd: dir() }).pii.modelView).toBe('raw');
    const cwd = dir();
    writeFileSync(join(cwd, 'sleuth.config.yaml'), 'pii:\n  modelView: raw\n');
    expect(loadConfig({ env: {}, cwd }).pii.modelView).toBe('raw');
    expect(loadConfig({ env: { SLEUTH_PII_MODEL_VIEW: 'masked' }, cwd }).pii.modelView).toBe('masked');
  });

  it('refuses a bad value, an unknown key and a misspelled variable, one line each', () => {
    expect(problems({ SLEUTH_PII_MODEL_VIEW: 'none' })).toEqual([
      'SLEUTH_PII_MODEL_VIEW must be one of masked, raw, got "none".',
    ]);
    const [fileProblem] = problems({}, 'pii:\n  modelVeiw: raw\n');
    expect(fileProblem).toMatch(/sleuth\.config\.yaml: pii: Unrecognized key: "modelVeiw"/);
    expect(problems({}, 'pii:\n  modelView: plain\n')[0]).toMatch(/pii\.modelView: Invalid option/);
    expect(problems({ SLEUTH_PII_MODEL_VEIW: 'raw' })).toEqual([
      'SLEUTH_PII_MODEL_VEIW is not a Sleuth setting (did you mean SLEUTH_PII_MODEL_VIEW?).',
    ]);
  });
});

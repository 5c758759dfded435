import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/errors.js';
import { loadConfig } from '../../../src/config/index.js';

const TOKEN = 'a'.repeat(32);

function problems(env: Record<string, string>, file?: string): readonly string[] {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-config-api-'));
  if (file) writeFileSync(join(cwd, 'sleuth.config.yaml'), file);
  try {
    loadConfig({ env, cwd });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('API tokens in configuration', () => {
  it('reads named tokens from SLEUTH_API_TOKENS and the file, and the metrics token', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sleuth-config-api-'));
    writeFileSync(
      join(cwd, 'sleuth.config.yaml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's own ${VAR} substitution
      'api:\n  tokens:\n    - { name: deploy, token: "${DEPLOY_TOKEN}" }\n',
    );
    const config = loadConfig({
      cwd,
      env: {
        DEPLOY_TOKEN: 'd'.repeat(40),
        SLEUTH_API_TOKENS: `ci:${TOKEN}, grafana:${'g'.repeat(33)}`,
        SLEUTH_METRICS_TOKEN: 'm'.repeat(32),
      },
    });
    expect(config.api.tokens.map((t) => t.name)).toEqual(['deploy', 'ci', 'grafana']);
    expect(config.api.tokens[1]?.token).toBe(TOKEN);
    expect(config.api.metricsToken).toBe('m'.repeat(32));
    expect(loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'x-')), env: {} }).api).toEqual({
      tokens: [],
      metricsToken: undefined,
    });
  });

  it('gives each token a role: member unless it says admin (file role, or a last :admin in SLEUTH_API_TOKENS)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sleuth-config-api-'));
    writeFileSync(
      join(cwd, 'sleuth.config.yaml'),
      `api:\n  tokens:\n    - { name: ops, token: "${'o'.repeat(40)}", role: admin }\n    - { name: dash, token: "${'d'.repeat(40)}" }\n`,
    );
    const config = loadConfig({
      cwd,
      env: { SLEUTH_API_TOKENS: `ci:${TOKEN}:admin,bot:${TOKEN}b:member,plain:${TOKEN}c:x` },
    });
    expect(config.api.tokens.map((t) => [t.name, t.role, t.token])).toEqual([
      ['ops', 'admin', 'o'.repeat(40)],
      ['dash', 'member', 'd'.repeat(40)],
      ['ci', 'admin', TOKEN],
      ['bot', 'member', `${TOKEN}b`],
      // only a last :admin or :member is a role; anything else is part of the token
      ['plain', 'member', `${TOKEN}c:x`],
    ]);
    expect(problems({}, `api:\n  tokens:\n    - { name: ops, token: "${'o'.repeat(40)}", role: root }\n`)).toEqual([
      expect.stringMatching(/api\.tokens\.0\.role/),
    ]);
  });

  it('refuses short, malformed and duplicate tokens, and unknown api keys, without echoing a token', () => {
    const found = problems({
      SLEUTH_API_TOKENS: `ci:short,${TOKEN},ci:${TOKEN},ci:${TOKEN}`,
      SLEUTH_METRICS_TOKEN: 'tiny',
    });
    expect(found).toEqual([
      expect.stringMatching(/token named ci must be at least 32 characters/),
      'SLEUTH_API_TOKENS must be name:token pairs separated by commas.',
      expect.stringMatching(/token name ci is used twice/),
      expect.stringMatching(/SLEUTH_METRICS_TOKEN must be at least 32/),
    ]);
    expect(found.join(' ')).not.toContain(TOKEN);
    expect(problems({}, 'api:\n  token: x\n')).toEqual([expect.stringMatching(/api: Unrecognized key: "token"/)]);
  });
});

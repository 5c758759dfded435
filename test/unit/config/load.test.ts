import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { problemsOf } from '../../helpers/config.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sleuth-config-'));
}

describe('loadConfig', () => {
  it('defaults to the SQLite demo connection when nothing is configured', () => {
    const cwd = tempDir();
    const config = loadConfig({ env: {}, cwd });
    expect(config.usesDemoConnection).toBe(true);
    expect(config.defaultConnection).toBe('demo');
    expect(config.connections).toEqual([
      {
        name: 'demo',
        url: `sqlite:${join(cwd, '.sleuth', 'demo.sqlite')}`,
        dialect: 'sqlite',
        timeoutMs: 30_000,
        maxRows: 10_000,
      },
    ]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.connections[0])).toBe(true);
  });

  it('reads named connections from SLEUTH_DB_<NAME>_URL with per-connection limits', () => {
    const config = loadConfig({
      cwd: tempDir(),
      env: {
        SLEUTH_DB_WAREHOUSE_URL: 'postgresql://ro:secret@db.example.com:5432/analytics?sslmode=require',
        SLEUTH_DB_WAREHOUSE_TIMEOUT_MS: '5000',
        SLEUTH_DB_SHOP_URL: 'mysql://ro@127.0.0.1:3306/shop',
        SLEUTH_DB_SHOP_MAX_ROWS: '500',
        SLEUTH_DEFAULT_DB: 'shop',
        SLEUTH_TEST_ANYTHING: 'ignored: reserved for tests',
      },
    });
    expect(config.usesDemoConnection).toBe(false);
    expect(config.defaultConnection).toBe('shop');
    const byName = Object.fromEntries(config.connections.map((c) => [c.name, c]));
    expect(byName.warehouse).toMatchObject({ dialect: 'postgres', timeoutMs: 5000, maxRows: 10_000 });
    expect(byName.shop).toMatchObject({ dialect: 'mariadb', timeoutMs: 30_000, maxRows: 500 });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file syntax under test
  it('reads a YAML config file with ${VAR} substitution, env overriding the file', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.yaml'),
      [
        'connections:',
        '  main:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: config file syntax
        '    url: ${MAIN_URL}',
        '    maxRows: 100',
        '  local:',
        '    url: sqlite:./data/local.db',
        'defaultConnection: local',
        'defaults:',
        '  timeoutMs: 10000',
      ].join('\n'),
    );
    const config = loadConfig({
      cwd,
      env: { MAIN_URL: 'postgres://postgres@127.0.0.1/test', SLEUTH_DB_MAIN_MAX_ROWS: '200' },
    });
    const main = config.connections.find((c) => c.name === 'main');
    expect(main).toMatchObject({ url: 'postgres://postgres@127.0.0.1/test', maxRows: 200, timeoutMs: 10_000 });
    expect(config.defaultConnection).toBe('local');
    expect(config.configFile).toBe(join(cwd, 'sleuth.config.yaml'));
  });

  it('rejects unknown keys in the file, one message per problem', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.json'),
      JSON.stringify({ connections: { main: { url: 'sqlite:x.db', maxRow: 5 } }, readOnly: false }),
    );
    const problems = problemsOf(() => loadConfig({ cwd, env: {} }));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/maxRow/);
    expect(problems.join('\n')).toMatch(/readOnly/);
    expect(problems.find((p) => p.includes('maxRow'))).toMatch(/did you mean maxRows\?/);
  });

  it('suggests the closest known key for a misspelled key anywhere in the file', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.json'),
      JSON.stringify({ defaultConection: 'x', budgets: { maxStep: 3 }, limits: { zzzzzzzz: 1 } }),
    );
    const problems = problemsOf(() => loadConfig({ cwd, env: {} }));
    expect(problems.find((p) => p.includes('defaultConection'))).toMatch(/did you mean defaultConnection\?/);
    expect(problems.find((p) => p.includes('maxStep'))).toMatch(/budgets: .*did you mean maxSteps\?/);
    expect(problems.find((p) => p.includes('zzzzzzzz'))).not.toMatch(/did you mean/);
  });

  it('ignores exactly the Kubernetes service-link variables of a Service named sleuth', () => {
    const config = loadConfig({
      cwd: tempDir(),
      env: {
        SLEUTH_PORT: 'tcp://10.0.0.12:8008',
        SLEUTH_SERVICE_HOST: '10.0.0.12',
        SLEUTH_SERVICE_PORT: '8008',
        SLEUTH_SERVICE_PORT_HTTP: '8008',
        SLEUTH_PORT_8008_TCP: 'tcp://10.0.0.12:8008',
        SLEUTH_PORT_8008_TCP_ADDR: '10.0.0.12',
        SLEUTH_PORT_8008_TCP_PORT: '8008',
        SLEUTH_PORT_8008_TCP_PROTO: 'tcp',
      },
    });
    expect([...config.ignoredEnv].sort()).toEqual([
      'SLEUTH_PORT',
      'SLEUTH_PORT_8008_TCP',
      'SLEUTH_PORT_8008_TCP_ADDR',
      'SLEUTH_PORT_8008_TCP_PORT',
      'SLEUTH_PORT_8008_TCP_PROTO',
      'SLEUTH_SERVICE_HOST',
      'SLEUTH_SERVICE_PORT',
      'SLEUTH_SERVICE_PORT_HTTP',
    ]);
    // a port-looking SLEUTH_PORT is a mistake (PORT is the setting); other shapes stay strict
    const problems = problemsOf(() =>
      loadConfig({
        cwd: tempDir(),
        env: { SLEUTH_PORT: '8080', SLEUTH_PORT_X: '1', SLEUTH_SERVICE: 'x', SLEUTH_MAX_ROW: '5' },
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('SLEUTH_PORT '))).toMatch(/did you mean PORT/);
    expect(problems.find((p) => p.startsWith('SLEUTH_MAX_ROW '))).toMatch(/did you mean SLEUTH_MAX_ROWS/);
  });

  it('reads connections.<name>.allowFunctions onto that connection only, and rejects names that are not names', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'sleuth.config.json'),
      JSON.stringify({
        connections: {
          main: { url: 'sqlite:x.db', allowFunctions: ['f_score', 'public.f_double'] },
          other: { url: 'sqlite:y.db' },
        },
      }),
    );
    const config = loadConfig({ cwd, env: {} });
    expect(config.connections.find((c) => c.name === 'main')?.allowFunctions).toEqual(['f_score', 'public.f_double']);
    expect(config.connections.find((c) => c.name === 'other')?.allowFunctions).toBeUndefined();
    writeFileSync(
      join(cwd, 'sleuth.config.json'),
      JSON.stringify({ connections: { main: { url: 'sqlite:x.db', allowFunctions: ['f(1); DROP'] } } }),
    );
    expect(problemsOf(() => loadConfig({ cwd, env: {} })).join('\n')).toMatch(/allowFunctions/);
  });

  it('rejects misspelled SLEUTH_ variables with a suggestion, and reports every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        cwd: tempDir(),
        env: {
          SLEUTH_MAX_ROW: '10',
          SLEUTH_DB_X_URL: 'oracle://nope',
          SLEUTH_DB_Y_TIMEOUT_MS: 'soon',
          SLEUTH_LOG_LEVEL: 'loud',
          SLEUTH_NOW: 'yesterday',
        },
      }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('SLEUTH_MAX_ROW '))).toMatch(/did you mean SLEUTH_MAX_ROWS/);
    expect(problems.find((p) => p.includes('"x"'))).toBeDefined();
    expect(problems.find((p) => p.includes('SLEUTH_DB_Y_TIMEOUT_MS'))).toMatch(/whole number/);
  });

  it('reports a connection with limits but no URL, and an unknown default connection', () => {
    const problems = problemsOf(() =>
      loadConfig({ cwd: tempDir(), env: { SLEUTH_DB_LONELY_MAX_ROWS: '5', SLEUTH_DEFAULT_DB: 'nowhere' } }),
    );
    expect(problems.some((p) => p.includes('Connection "lonely" has no URL'))).toBe(true);
    expect(problems.some((p) => p.includes('"nowhere" is not configured'))).toBe(true);
  });

  it('pins now from SLEUTH_NOW', () => {
    const config = loadConfig({ cwd: tempDir(), env: { SLEUTH_NOW: '2026-11-15' } });
    expect(config.now?.toISOString()).toBe('2026-11-15T12:00:00.000Z');
  });

  it('never puts a password in a problem message', () => {
    const problems = problemsOf(() =>
      loadConfig({ cwd: tempDir(), env: { SLEUTH_DB_BAD_URL: 'ftp://user:hunter2@host/db' } }),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

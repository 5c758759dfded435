import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { readMcpServersFile } from '../../../src/mcp/client/index.js';
import { problemsOf } from '../../helpers/config.js';

/** `${NAME}` as mcp.json writes it. */
const ref = (name: string) => `$${'{'}${name}}`;

function dirWith(mcpJson?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'sleuth-mcp-config-'));
  if (mcpJson !== undefined) {
    writeFileSync(join(dir, 'mcp.json'), typeof mcpJson === 'string' ? mcpJson : JSON.stringify(mcpJson));
  }
  return dir;
}

const MCP_CONNECTION = { SLEUTH_DB_WAREHOUSE_URL: 'mcp://warehouse?dialect=postgres' };

describe('mcp.json', () => {
  it('reads stdio servers with env substitution and the file folder as default cwd', () => {
    const cwd = dirWith({
      mcpServers: {
        warehouse: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-postgres', ref('WAREHOUSE_RO_URL')],
          env: { PGAPPNAME: `sleuth-${ref('TEAM')}` },
        },
      },
    });
    const config = loadConfig({
      cwd,
      env: { ...MCP_CONNECTION, WAREHOUSE_RO_URL: 'postgres://ro:secret@db/wh', TEAM: 'growth' },
    });
    expect(config.connections[0]).toMatchObject({ name: 'warehouse', dialect: 'postgres' });
    expect(config.mcp.file).toBe(join(cwd, 'mcp.json'));
    expect(config.mcp.servers.warehouse).toEqual({
      name: 'warehouse',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-postgres', 'postgres://ro:secret@db/wh'],
      env: { PGAPPNAME: 'sleuth-growth' },
      cwd,
    });
  });

  it('is optional: no file and no mcp:// connection is fine', () => {
    const config = loadConfig({ cwd: dirWith(), env: {} });
    expect(config.mcp).toMatchObject({ file: undefined, servers: {}, problems: [] });
  });

  it('reports a missing file, an undeclared server and an unset variable when a connection needs them', () => {
    expect(problemsOf(() => loadConfig({ cwd: dirWith(), env: MCP_CONNECTION })).join('\n')).toMatch(
      /Connection "warehouse": No mcp\.json found \(looked for .*mcp\.json\) to start the MCP server "warehouse"/,
    );
    const declaredOther = dirWith({ mcpServers: { shop: { command: 'dbhub' } } });
    expect(problemsOf(() => loadConfig({ cwd: declaredOther, env: MCP_CONNECTION })).join('\n')).toMatch(
      /No MCP server named "warehouse" in .*mcp\.json \(declared: shop\)/,
    );
    const unset = dirWith({ mcpServers: { warehouse: { command: 'x', args: [ref('WAREHOUSE_RO_URL')] } } });
    expect(problemsOf(() => loadConfig({ cwd: unset, env: MCP_CONNECTION })).join('\n')).toMatch(
      /uses \$\{WAREHOUSE_RO_URL\}, which is not set/,
    );
  });

  it('reports a bad file clearly, but only when something uses it', () => {
    const notJson = dirWith('{"mcpServers": {');
    expect(problemsOf(() => loadConfig({ cwd: notJson, env: MCP_CONNECTION })).join('\n')).toMatch(
      /mcp\.json is not valid JSON/,
    );
    expect(() => loadConfig({ cwd: notJson, env: {} })).not.toThrow();
    const wrongShape = dirWith({ servers: { warehouse: { command: 'x' } } });
    expect(problemsOf(() => loadConfig({ cwd: wrongShape, env: MCP_CONNECTION })).join('\n')).toMatch(
      /\(top level\).*expected \{"mcpServers"/,
    );
    const typo = dirWith({ mcpServers: { warehouse: { comand: 'x' } } });
    expect(problemsOf(() => loadConfig({ cwd: typo, env: MCP_CONNECTION })).join('\n')).toMatch(
      /MCP server "warehouse" in .* is not valid: .*command/,
    );
  });

  it('keeps unusable entries aside without failing the servers that are fine', () => {
    const cwd = dirWith({
      mcpServers: {
        warehouse: { command: 'node', args: ['server.js'] },
        remote: { type: 'http', url: 'https://example.com/mcp' },
        later: { command: 'node', args: [ref('NOT_SET_HERE')] },
      },
    });
    const config = readMcpServersFile({ path: 'mcp.json', cwd, explicit: false, env: {} });
    expect(Object.keys(config.servers)).toEqual(['warehouse']);
    expect(config.unavailable.remote).toMatch(/remote \(url\) server/);
    expect(config.unavailable.later).toMatch(/NOT_SET_HERE/);
    expect(loadConfig({ cwd, env: MCP_CONNECTION }).mcp.servers.warehouse?.args).toEqual(['server.js']);
  });

  it('honours SLEUTH_MCP_CONFIG and says when it points nowhere', () => {
    const elsewhere = dirWith({ mcpServers: { warehouse: { command: 'node' } } });
    const config = loadConfig({
      cwd: dirWith(),
      env: { ...MCP_CONNECTION, SLEUTH_MCP_CONFIG: join(elsewhere, 'mcp.json') },
    });
    expect(config.mcp.servers.warehouse?.cwd).toBe(elsewhere);
    expect(problemsOf(() => loadConfig({ cwd: dirWith(), env: { SLEUTH_MCP_CONFIG: 'nope.json' } }))).toEqual([
      expect.stringMatching(/SLEUTH_MCP_CONFIG points to .*nope\.json, which does not exist/),
    ]);
  });

  it('validates mcp:// connection URLs', () => {
    const cwd = dirWith({ mcpServers: { warehouse: { command: 'node' } } });
    const problems = (url: string) => problemsOf(() => loadConfig({ cwd, env: { SLEUTH_DB_W_URL: url } })).join('\n');
    expect(problems('mcp://warehouse')).toMatch(/needs \?dialect=postgres, mariadb \(or mysql\) or sqlite/);
    expect(problems('mcp://warehouse?dialect=oracle')).toMatch(/needs \?dialect=/);
    expect(problems('mcp://warehouse?dialect=postgres&readonly=true')).toMatch(/parameter "readonly" is unknown/);
    expect(problems('mcp://')).toMatch(/An mcp:\/\/ URL names a server from mcp\.json/);
  });
});

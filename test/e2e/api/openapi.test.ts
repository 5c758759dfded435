/**
 * /openapi.json is a valid OpenAPI 3.1 document that covers every route the server registers (generated from the same
 * declarations), each schema compiles as JSON Schema 2020-12, and what it says holds against the server: open routes
 * answer without a key, the others refuse one. /docs is a self-contained page (no external scripts or styles).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from './harness.js';

type Operation = {
  operationId: string;
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

describe('/openapi.json and /docs', () => {
  let h: ApiHarness;
  let doc: Document;
  beforeAll(async () => {
    h = await startApiHarness({
      deps: { mounts: [{ path: '/mcp', handle: (_req, res) => void res.end('mounted') }] },
    });
    const r = await fetch(`${h.url}/openapi.json`);
    expect(r.status).toBe(200);
    doc = (await r.json()) as Document;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is OpenAPI 3.1 with unique operation ids and a bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Sleuth API', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers every registered route, the WebSocket and the mounts', () => {
    for (const route of h.api.routes) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method], `${route.method} ${path}`).toMatchObject({
        operationId: route.operationId,
      });
    }
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    expect(documented.length).toBe(h.api.routes.length + 2);
    expect(doc.paths['/ws/{investigationId}']?.get).toBeDefined();
    expect(doc.paths['/mcp']?.post).toBeDefined();
    const paths = Object.keys(doc.paths);
    for (const expected of [
      '/api/v1/investigations',
      '/api/v1/investigations/{id}',
      '/api/v1/investigations/{id}/events',
      '/api/v1/investigations/{id}/cancel',
      '/api/v1/investigations/{id}/feedback',
      '/api/v1/database/execute',
      '/api/v1/database/schema',
      '/api/v1/knowledge/verified-queries',
      '/api/v1/knowledge/verified-queries/{name}',
      '/api/v1/knowledge/search',
      '/api/v1/knowledge/proposals',
      '/api/v1/knowledge/proposals/{id}/confirm',
      '/api/v1/knowledge/proposals/{id}/reject',
      '/health',
      '/ready',
      '/metrics',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it('declares every path parameter, and every schema compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    let compiled = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(methods)) {
        const declared = op.parameters
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(declared, `${method} ${path}`).toEqual(inPath);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        const schemas = [
          ...op.parameters.map((p) => p.schema),
          ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
          ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
        ];
        for (const schema of schemas) {
          ajv.compile(schema);
          compiled++;
        }
      }
    }
    expect(compiled).toBeGreaterThan(40);
  });

  it('validates real requests and responses with its own schemas', async () => {
    const ajv = new Ajv2020({ strict: false });
    const create = doc.paths['/api/v1/investigations']?.post;
    const body = create?.requestBody?.content['application/json']?.schema as object;
    expect(ajv.validate(body, { question: 'Signups last month?' })).toBe(true);
    expect(ajv.validate(body, { question: 'x', connection: 'sqlite:/etc/passwd' })).toBe(false);
    const schema = doc.paths['/api/v1/database/schema']?.get?.responses['200']?.content?.['application/json']
      ?.schema as object;
    const live = await (await h.call('/api/v1/database/schema?table=countries')).json();
    expect(ajv.validate(schema, live), JSON.stringify(ajv.errors)).toBe(true);
    const error = doc.paths['/api/v1/database/execute']?.post?.responses['422']?.content?.['application/json']
      ?.schema as object;
    const refused = await (
      await h.call('/api/v1/database/execute', { method: 'POST', json: { sql: 'DROP TABLE countries' } })
    ).json();
    expect(ajv.validate(error, refused), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('marks exactly the open routes as needing no credentials, which the server confirms', async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path.includes('{') || method !== 'get' || path.startsWith('/ws/')) continue;
        const status = (await fetch(`${h.url}${path}${path.endsWith('/search') ? '?q=x' : ''}`)).status;
        if (op.security.length === 0) expect(status, path).toBe(200);
        else expect(status, path).toBe(401);
      }
    }
  });

  it('serves an explorer page that needs nothing from the internet', async () => {
    const r = await fetch(`${h.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'.*connect-src 'self'/);
    const html = await r.text();
    expect(html).toContain("fetch('/openapi.json')");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    expect(html).toMatch(/authorization/);
  });
});

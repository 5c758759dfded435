/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas (JSON Schema 2020-12 is
 * OpenAPI 3.1's schema dialect). WebSocket and mounted endpoints are described too, as GET upgrade/handler paths.
 */
import { z } from 'zod';
import type { ApiRoute } from './routes/define.js';
import { errorResponse, investigationEvent } from './schemas.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
    schema: jsonSchema(field, 'input'),
  }));
}

function operation(route: ApiRoute): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = {
      description: spec.description,
      ...(spec.schema
        ? { content: { [spec.contentType ?? 'application/json']: { schema: jsonSchema(spec.schema, 'output') } } }
        : {}),
    };
  }
  const admin = route.adminOnly ? `Admin keys only (members get 403 PERMISSION_DENIED).` : undefined;
  const description = [admin, route.description].filter(Boolean).join(' ');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [route.tag],
    security: route.auth === 'none' ? [] : [{ bearer: [] }],
    ...(route.adminOnly ? { 'x-sleuth-role': 'admin' } : {}),
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.headers ?? []).map((h) => ({
        name: h.name,
        in: 'header',
        required: false,
        description: h.description,
        schema: { type: 'string' },
      })),
    ],
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        }
      : {}),
    responses,
  };
}

export interface OpenApiOptions {
  version: string;
  mounts: readonly { path: string }[];
}

export const WS_PATH = '/ws/{investigationId}';

export function openApiDocument(routes: readonly ApiRoute[], options: OpenApiOptions): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  const unauthorized = {
    description: 'No valid API key',
    content: { 'application/json': { schema: jsonSchema(errorResponse, 'output') } },
  };
  paths[WS_PATH] = {
    get: {
      operationId: 'watchInvestigationWebSocket',
      summary: 'WebSocket: the recorded events, then live ones; closes with 1000 after done/failed',
      description:
        'Upgrade with Authorization: Bearer <key>, or (browsers) the subprotocols ["sleuth.v1", "sleuth.bearer.<key>"]. ' +
        'Each text message is one event (JSON, as in the SSE data). Reconnect with ?after=<last seq seen> to continue ' +
        'without gaps or repeats. The server pings every 30 s; on shutdown it closes with 1001.',
      tags: ['investigations'],
      security: [{ bearer: [] }],
      parameters: [
        { name: 'investigationId', in: 'path', required: true, schema: { type: 'string' } },
        {
          name: 'after',
          in: 'query',
          required: false,
          description: 'Only events after this seq.',
          schema: { type: 'integer', minimum: 0 },
        },
      ],
      responses: {
        101: {
          description: 'Switching protocols; then one message per event',
          content: { 'application/json': { schema: jsonSchema(investigationEvent, 'output') } },
        },
        401: unauthorized,
        404: { description: 'Unknown investigation, or another key’s (a member key sees only its own)' },
      },
    },
  };
  for (const mount of options.mounts) {
    paths[mount.path] = {
      post: {
        operationId: `mount${mount.path.replace(/[^A-Za-z0-9]/g, '_')}`,
        summary: `Mounted handler at ${mount.path} (all methods, e.g. MCP Streamable HTTP), behind the same API auth`,
        tags: ['mounts'],
        parameters: [],
        security: [{ bearer: [] }],
        responses: { 200: { description: "The handler's own response" }, 401: unauthorized },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sleuth API',
      version: options.version,
      description:
        'Investigations, guarded read-only SQL, schema and the knowledge base over HTTP. Errors are ' +
        '{"error":{"code","message"}} with a stable code. Every route but health, readiness, this document and /docs ' +
        'needs Authorization: Bearer <API key> (sleuth api-key create <name>). A key is a member (default) or an ' +
        'admin (--role admin): a member sees and acts only on the investigations and sessions it started (anyone ' +
        'else’s are 404), an admin on all, and only admins change the knowledge base (x-sleuth-role: admin).',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'investigations', description: 'Questions answered by the engine, as background jobs' },
      { name: 'database', description: 'Guarded SQL and schema' },
      { name: 'knowledge', description: 'Verified queries, search and proposals' },
      { name: 'operations', description: 'Health, readiness and metrics' },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (slk_...), a configured token, or for /metrics only the metrics token. Keys and tokens are ' +
            'members unless created or configured as admin.',
        },
      },
    },
    paths,
  };
}

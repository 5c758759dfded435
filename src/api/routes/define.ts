/**
 * A route is declared once: method, path, auth, zod schemas for path parameters, query and body, its responses, and
 * the handler. The same declaration registers the express route (validating input, failing with INVALID_REQUEST)
 * and generates its OpenAPI operation (openapi.ts), so the document cannot drift from what the server does.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../../common/actor.js';
import type { AuthScope } from '../auth.js';
import { requireRole } from '../authorize.js';
import { validationError } from '../errors.js';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined on open routes only. */
  actor: Actor;
  req: Request;
  res: Response;
  requestId: string;
}

/** What a handler returns: a JSON reply, or undefined when it wrote the response itself (streams, text). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Empty = z.ZodObject<Record<string, never>>;

export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'delete';
  /** Express syntax (`/api/v1/investigations/:id`); the OpenAPI path is derived. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** 'none': open; 'api': an API key or token; 'metrics': those or the metrics token. */
  auth: AuthScope | 'none';
  /**
   * Set on routes only admin keys may call, saying what they do ("add verified queries"): members get 403
   * PERMISSION_DENIED before anything is validated or changed. The OpenAPI operation documents it.
   */
  adminOnly?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers worth documenting (e.g. Last-Event-ID). */
  headers?: readonly { name: string; description: string }[];
  responses: Readonly<Record<number, ResponseSpec>>;
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply | undefined>;
}

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly auth: AuthScope | 'none';
  readonly adminOnly?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly headers?: readonly { name: string; description: string }[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  run(req: Request, res: Response, actor: Actor | undefined, requestId: string): Promise<Reply | undefined>;
}

export function defineRoute<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  definition: RouteDefinition<P, Q, B>,
): ApiRoute {
  const parse = <S extends z.ZodType>(where: 'body' | 'query' | 'path', schema: S | undefined, value: unknown) => {
    if (!schema) return {} as z.output<S>;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationError(where, parsed.error);
    return parsed.data;
  };
  return {
    ...definition,
    async run(req, res, actor, requestId) {
      if (definition.adminOnly !== undefined) requireRole(actor, 'admin', definition.adminOnly);
      const params = parse('path', definition.params, req.params);
      const query = parse('query', definition.query, req.query);
      const body = parse('body', definition.body, definition.body ? (req.body ?? {}) : undefined);
      return definition.handle({ params, query, body, actor: actor as Actor, req, res, requestId });
    },
  };
}

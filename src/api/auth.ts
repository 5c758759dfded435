/**
 * Who is calling: `Authorization: Bearer <API key or token>` on every request but the open ones (health, readiness,
 * the OpenAPI document and the explorer page). WebSocket clients that cannot set headers (browsers) offer the key as
 * a subprotocol next to `sleuth.v1`: `new WebSocket(url, ['sleuth.v1', 'sleuth.bearer.' + key])`; the server
 * selects `sleuth.v1` and never echoes the key. Keys in query strings are not accepted: URLs end up in access logs.
 *
 * After authentication, the rate-limit slot (`RateLimitHook`) is asked; a refusal is 429 with Retry-After.
 */
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../common/actor.js';
import { UserError } from '../common/errors.js';
import type { KeyVerifier } from './keys.js';

export const WS_PROTOCOL = 'sleuth.v1';
export const WS_BEARER_PREFIX = 'sleuth.bearer.';

/** A refusal may carry its own sentence (which limit, when to retry); the 429 shows it. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number; message?: string };

/**
 * The rate-limit slot: called once per authenticated request (REST call, SSE stream, WebSocket upgrade, mounted
 * handler) with the caller's key id. The limits module provides it, e.g.
 * `({ key, actor }) => context.limits.take({ kind: 'api', key }, actor)`.
 */
export type RateLimitHook = (request: {
  kind: 'api';
  /** The API key id (or `token:<name>`): what the limit is counted on. */
  key: string;
  actor: Actor;
  method: string;
  /** The route pattern, e.g. /api/v1/investigations/:id. */
  route: string;
}) => RateLimitDecision | Promise<RateLimitDecision>;

export type AuthScope = 'api' | 'metrics';

/** The presented credential: the bearer token of the Authorization header, else a `sleuth.bearer.` subprotocol. */
export function presentedCredential(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const protocol of protocols.split(',').map((p) => p.trim())) {
      if (protocol.startsWith(WS_BEARER_PREFIX)) return protocol.slice(WS_BEARER_PREFIX.length);
    }
  }
  return undefined;
}

/** The actor behind the request, or throws UNAUTHORIZED / RATE_LIMITED. */
export type Authenticator = (req: IncomingMessage, scope: AuthScope, route: string) => Promise<Actor>;

export function createAuthenticator(deps: { verify: KeyVerifier; rateLimit?: RateLimitHook }): Authenticator {
  return async (req, scope, route) => {
    const verdict = await deps.verify(presentedCredential(req));
    if (!verdict.ok) {
      throw new UserError(
        'UNAUTHORIZED',
        verdict.reason === 'missing'
          ? 'Missing credentials: send "Authorization: Bearer <API key>" (create a key with sleuth api-key create <name>).'
          : verdict.reason === 'revoked'
            ? 'This API key was revoked; create a new one with sleuth api-key create <name>.'
            : 'Invalid API key or token.',
      );
    }
    if (verdict.scope === 'metrics' && scope !== 'metrics') {
      throw new UserError('UNAUTHORIZED', 'This token may only read /metrics; use an API key here.');
    }
    if (deps.rateLimit) {
      const decision = await deps.rateLimit({
        kind: 'api',
        key: verdict.actor.id,
        actor: verdict.actor,
        method: req.method ?? 'GET',
        route,
      });
      if (!decision.allowed) {
        const message = decision.message ?? 'Too many requests for this API key; retry after the Retry-After delay.';
        throw new UserError('RATE_LIMITED', message, { details: { retryAfterMs: decision.retryAfterMs } });
      }
    }
    return verdict.actor;
  };
}

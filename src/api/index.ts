/**
 * The HTTP API: REST under /api/v1, SSE and WebSocket progress, health, readiness, Prometheus metrics, the OpenAPI
 * document and the /docs explorer. `createApiServer(deps)` builds the app (no listen); `startServer` listens and
 * stops gracefully. API keys: `generateApiKey` / `createKeyVerifier` (stored hashed in memory).
 */
export { type ApiServer, createApiServer } from './app.js';
export {
  type AuthScope,
  presentedCredential,
  type RateLimitDecision,
  type RateLimitHook,
  WS_BEARER_PREFIX,
  WS_PROTOCOL,
} from './auth.js';
export { type ErrorBody, HTTP_STATUS, type HttpProblem, toHttpError, validationError } from './errors.js';
export {
  API_KEY_NAME,
  apiKeyActor,
  apiKeyId,
  createApiKey,
  createKeyVerifier,
  type GeneratedApiKey,
  generateApiKey,
  hashApiKey,
  hashMatches,
  type KeyVerifier,
  tokenActor,
  type Verification,
} from './keys.js';
export { openApiDocument } from './openapi.js';
export type { ApiRoute } from './routes/define.js';
export { type RunningServer, type StartServerOptions, type StopOptions, startServer } from './server.js';
export type { ApiContext, ApiMount, ApiServerDeps, HttpRoute } from './types.js';
export { WS_CLOSE, WS_ROUTE } from './ws.js';

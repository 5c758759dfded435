/**
 * The real API server on 127.0.0.1 (port 0) over a real context: the scripted model, the SQLite demo database,
 * embedded memory in a temporary directory and a private copy of the starter knowledge (tests add and remove verified
 * queries). Requests go over real HTTP with fetch, as a client's would. The harness's own key is a member unless
 * `role: 'admin'` says otherwise; `newKey` makes more (other members, admins) on the same server.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiServer,
  type ApiServerDeps,
  createApiKey,
  createApiServer,
  type RunningServer,
  startServer,
} from '../../../src/api/index.js';
import type { ActorRole } from '../../../src/common/actor.js';
import { createSleuthContext, type SleuthContext } from '../../../src/main.js';
import { demoUrl } from '../../helpers/demo.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SCRIPT = join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite.yaml');
/** The same turns, each answered after 300 ms: investigations stay running long enough to act on them. */
export const SLOW_SCRIPT = join(ROOT, 'test', 'fixtures', 'scripts', 'signups-sqlite-slow.yaml');

export interface ApiHarness {
  url: string;
  context: SleuthContext;
  api: ApiServer;
  server: RunningServer;
  /** A valid API key and its id. */
  key: string;
  keyId: string;
  knowledgeDir: string;
  /** fetch on the server with the key (unless headers say otherwise, or `as` names another key). */
  call(path: string, init?: CallInit): Promise<Response>;
  /** Another key on the same server, with `call` bound to it. */
  newKey(name: string, role?: ActorRole): Promise<ApiClient>;
  close(): Promise<void>;
}

export type CallInit = RequestInit & { json?: unknown };

export interface ApiClient {
  key: string;
  keyId: string;
  call(path: string, init?: CallInit): Promise<Response>;
}

export async function startApiHarness(
  options: {
    env?: Record<string, string>;
    /** The role of the harness's own key (default member, as for any new key). */
    role?: ActorRole;
    /** Extra server deps, or a function of the context that builds them (e.g. a Slack app to host). */
    deps?: Partial<ApiServerDeps> | ((context: SleuthContext) => Promise<Partial<ApiServerDeps>>);
  } = {},
): Promise<ApiHarness> {
  const cwd = mkdtempSync(join(tmpdir(), 'sleuth-api-'));
  const knowledgeDir = join(cwd, 'knowledge');
  cpSync(join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });
  const context = await createSleuthContext({
    cwd,
    env: {
      SLEUTH_NOW: '2026-11-15',
      SLEUTH_LLM_PROVIDER: 'scripted',
      SLEUTH_SCRIPT: SCRIPT,
      SLEUTH_DB_DEMO_URL: await demoUrl('sqlite'),
      SLEUTH_DATA_DIR: join(cwd, '.sleuth'),
      SLEUTH_KNOWLEDGE_DIR: knowledgeDir,
      SLEUTH_LOG_LEVEL: 'silent',
      ...options.env,
    },
  });
  const created = await createApiKey((await context.memory()).apiKeys, {
    name: 'tests',
    createdBy: 'harness',
    role: options.role,
  });
  const extra = typeof options.deps === 'function' ? await options.deps(context) : options.deps;
  const api = createApiServer({ context, logger: context.logger, wsHeartbeatMs: 300, ...extra });
  const server = await startServer({ api, port: 0, host: '127.0.0.1', logger: context.logger });
  const callWith =
    (key: string) =>
    (path: string, init: CallInit = {}) => {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${key}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${server.url}${path}`, {
        ...rest,
        headers,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
    };
  const call = callWith(created.key);
  return {
    async newKey(name, role) {
      const made = await createApiKey((await context.memory()).apiKeys, { name, createdBy: 'harness', role });
      return { key: made.key, keyId: made.record.id, call: callWith(made.key) };
    },
    url: server.url,
    context,
    api,
    server,
    key: created.key,
    keyId: created.record.id,
    knowledgeDir,
    call,
    async close() {
      await server.stop({ graceMs: 5000 });
      await context.close({ graceMs: 5000 });
    },
  };
}

/** Server-Sent Events parsed from a real response body: one entry per message (id, event, data as JSON). */
export async function readSse(
  response: Response,
  options: { until?: (message: SseMessage) => boolean } = {},
): Promise<SseMessage[]> {
  if (!response.body) throw new Error('no body');
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parseBlock(block);
        if (message) {
          messages.push(message);
          if (options.until?.(message)) return messages;
        }
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return messages;
}

export interface SseMessage {
  id?: string;
  event?: string;
  data: Record<string, unknown>;
}

function parseBlock(block: string): SseMessage | undefined {
  const fields: Record<string, string[]> = {};
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    const values = fields[name] ?? [];
    values.push(value);
    fields[name] = values;
  }
  if (!fields.data) return undefined;
  return { id: fields.id?.[0], event: fields.event?.[0], data: JSON.parse(fields.data.join('\n')) };
}

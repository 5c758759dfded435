/**
 * A local Slack Web API recorder for the real Bolt/WebClient: POST /api/<method> with form-encoded or JSON bodies,
 * answered the way Slack answers (ok, ts, channel...), every call recorded with its parsed body and arrival time.
 * It checks the bot token, refuses payloads over Block Kit limits with `invalid_blocks` (as Slack does), serves the
 * files.uploadV2 flow (files.getUploadURLExternal, the upload POST to the returned URL, files.completeUploadExternal)
 * and response_url posts. Faults: 429 with Retry-After for the next N calls of a method; `ok: false` refusals (e.g.
 * the streaming methods with `unknown_method`). User groups for `usergroups.list` and `usergroups.users.list`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, viewProblems } from '../../src/slack/index.js';

export interface SlackCall {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: recorded bodies are inspected freely by tests
  body: Record<string, any>;
  /** Milliseconds (Date.now) when the request arrived. */
  at: number;
  /** What the peer answered: 200 ok, 200 refused (ok: false) or 429. */
  outcome: 'ok' | 'refused' | 'rate_limited';
  /** The JSON answered for an ok call (ts, channel, file ids...). */
  response?: Record<string, unknown>;
}

export interface SlackUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
}

export interface SlackPeer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The Web API base URL to give the client (SLACK_API_URL). */
  apiUrl: string;
  calls: SlackCall[];
  uploads: SlackUpload[];
  /** Calls answered ok for a method (or all of them). */
  ok(method?: string): SlackCall[];
  /** A response_url for a slash command or action payload; posts to it are recorded as method `response_url`. */
  responseUrl(id: string): string;
  /** The next `times` calls of `method` get 429 with Retry-After. */
  rateLimit(method: string, options: { times: number; retryAfterSeconds: number }): void;
  /** Calls of these methods answer `{ ok: false, error }` until `allow` is called. */
  refuse(methods: readonly string[], error: string): void;
  allow(methods: readonly string[]): void;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** The workspace's user groups, as `usergroups.list` (include_users) and `usergroups.users.list` answer them. */
  setUsergroups(groups: readonly SlackUsergroup[]): void;
  close(): Promise<void>;
}

export interface SlackUsergroup {
  id: string;
  handle: string;
  users: readonly string[];
}

export const PEER_TEAM = 'T0TEST001';
export const PEER_BOT_USER = 'UBOTSLEUTH';
export const PEER_BOT_ID = 'BSLEUTH01';

const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'chunks',
  'view',
  'prompts',
  'files',
  'metadata',
  'loading_messages',
]);

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    out[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The parts of a multipart/form-data body: name, filename and raw bytes. */
function parseMultipart(raw: Buffer, contentType: string): { name: string; filename?: string; data: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; filename?: string; data: Buffer }[] = [];
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    parts.push({ name, ...(filename ? { filename } : {}), data: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSlackPeer(
  options: { botToken?: string; usergroups?: readonly SlackUsergroup[] } = {},
): Promise<SlackPeer> {
  const botToken = options.botToken ?? 'xoxb-test-token';
  let usergroups: readonly SlackUsergroup[] = options.usergroups ?? [];
  const calls: SlackCall[] = [];
  const uploads: SlackUpload[] = [];
  const limits = new Map<string, { times: number; retryAfterSeconds: number }>();
  const refusals = new Map<string, string>();
  const pendingFiles = new Map<string, string>();
  let seq = 0;
  const nextTs = () => {
    seq += 1;
    return `${1_800_000_000 + seq}.${String(seq).padStart(6, '0')}`;
  };
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  // biome-ignore lint/suspicious/noExplicitAny: Slack's answers are loose JSON
  function answer(method: string, body: Record<string, any>): Record<string, unknown> {
    const channel = body.channel ?? body.channel_id;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://sleuth-test.slack.com/',
          team: 'Sleuth Test',
          user: 'sleuth',
          team_id: PEER_TEAM,
          user_id: PEER_BOT_USER,
          bot_id: PEER_BOT_ID,
        };
      case 'chat.postMessage': {
        const ts = nextTs();
        return {
          ok: true,
          channel,
          ts,
          message: { type: 'message', text: body.text, ts, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) },
        };
      }
      case 'chat.update':
      case 'chat.appendStream':
      case 'chat.stopStream':
        return { ok: true, channel, ts: body.ts };
      case 'chat.startStream':
        return { ok: true, channel, ts: nextTs() };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel,
          permalink: `https://sleuth-test.slack.com/archives/${channel}/p${String(body.message_ts).replace('.', '')}`,
        };
      case 'views.publish':
      case 'views.open':
        return {
          ok: true,
          view: { id: `V${String(++seq).padStart(8, '0')}`, ...(typeof body.view === 'object' ? body.view : {}) },
        };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++seq).padStart(8, '0')}`;
        pendingFiles.set(fileId, String(body.filename ?? 'file'));
        return { ok: true, upload_url: `${url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(body.files) ? body.files : [];
        return {
          ok: true,
          files: files.map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title ?? '' })),
        };
      }
      case 'usergroups.list': {
        const withUsers = body.include_users === true || body.include_users === 'true';
        return {
          ok: true,
          usergroups: usergroups.map((g) => ({
            id: g.id,
            team_id: PEER_TEAM,
            is_usergroup: true,
            name: g.handle,
            handle: g.handle,
            user_count: g.users.length,
            ...(withUsers ? { users: [...g.users] } : {}),
          })),
        };
      }
      case 'usergroups.users.list': {
        const group = usergroups.find((g) => g.id === body.usergroup);
        return group ? { ok: true, users: [...group.users] } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: true };
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: Slack's payloads are loose JSON
  function invalid(body: Record<string, any>): string[] {
    const problems: string[] = [];
    if (Array.isArray(body.blocks)) problems.push(...blockProblems(body.blocks, 'message'));
    if (body.view && typeof body.view === 'object') problems.push(...viewProblems(body.view));
    return problems;
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const contentType = String(req.headers['content-type'] ?? '');
    if (path.startsWith('/upload/')) {
      const fileId = path.slice('/upload/'.length);
      const part = parseMultipart(raw, contentType).find((p) => p.name === 'body' || p.filename) ?? { data: raw };
      uploads.push({ fileId, filename: pendingFiles.get(fileId) ?? 'file', bytes: Buffer.from(part.data) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${part.data.length}`);
      return;
    }
    if (path.startsWith('/response/')) {
      calls.push({
        method: 'response_url',
        body: { ...(safeJson(raw.toString('utf8')) as object), id: path.slice(10) },
        at: Date.now(),
        outcome: 'ok',
      });
      send(res, 200, { ok: true });
      return;
    }
    if (!path.startsWith('/api/')) {
      send(res, 404, { ok: false, error: 'unknown_path' });
      return;
    }
    const method = path.slice('/api/'.length);
    const text = raw.toString('utf8');
    const body = (contentType.includes('application/json') ? safeJson(text) : parseForm(text)) as Record<
      string,
      unknown
    >;
    const call: SlackCall = { method, body, at: Date.now(), outcome: 'ok' };
    calls.push(call);
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '') || String(body.token ?? '');
    if (token !== botToken) {
      call.outcome = 'refused';
      send(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
      return;
    }
    const limit = limits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      call.outcome = 'rate_limited';
      send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfterSeconds) });
      return;
    }
    const refusal = refusals.get(method);
    if (refusal) {
      call.outcome = 'refused';
      send(res, 200, { ok: false, error: refusal });
      return;
    }
    const problems = invalid(body);
    if (problems.length > 0) {
      call.outcome = 'refused';
      send(res, 200, { ok: false, error: 'invalid_blocks', errors: problems });
      return;
    }
    call.response = answer(method, body);
    send(res, 200, call.response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    uploads,
    ok: (method) => calls.filter((c) => c.outcome === 'ok' && (method === undefined || c.method === method)),
    responseUrl: (id) => `${url}/response/${id}`,
    rateLimit(method, options) {
      limits.set(method, { ...options });
    },
    refuse(methods, error) {
      for (const m of methods) refusals.set(m, error);
    },
    allow(methods) {
      for (const m of methods) refusals.delete(m);
    },
    setUsergroups(groups) {
      usergroups = groups;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('timed out waiting for the Slack peer');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

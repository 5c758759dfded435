import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScriptTurn } from '../../src/agent/models/script.js';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies are inspected freely by tests
  body: any;
}

export interface ScriptPeer {
  /** Base URL (http://127.0.0.1:PORT); the API paths hang below it. */
  url: string;
  /** Every request that reached a scripted turn, in order (parsed JSON body and headers). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ScriptHandlers {
  /** A message for a 401 when the request lacks the protocol's credentials/headers; undefined when fine. */
  authorize(req: IncomingMessage): string | undefined;
  /** The protocol's JSON error body. */
  errorBody(status: number, message: string, type?: string): string;
  /** Extra headers on error responses (e.g. a request id). */
  errorHeaders?: Record<string, string>;
  answer(res: ServerResponse, turn: ScriptTurn, body: RecordedRequest['body'], index: number): void | Promise<void>;
  /** True when `answer` itself plays this turn's delay/fault (mid-stream) instead of before the headers. */
  inStream?(turn: ScriptTurn, body: RecordedRequest['body'], index: number): boolean;
}

/**
 * The turns a peer plays: a list, answered in order, or a function choosing each request's turn from its body (for
 * concurrent clients whose order is not fixed, or answers that depend on the request, e.g. its system prompt).
 */
export type ScriptTurns =
  | readonly ScriptTurn[]
  | ((body: RecordedRequest['body'], index: number) => ScriptTurn | undefined);

/**
 * A local HTTP server answering each POST to `path` with the next scripted turn (or the turn `turns` picks for it). A `fault` turn answers with its
 * status and the protocol's error body (plus Retry-After when given) and is consumed like any other turn; `delay_ms`
 * holds the whole response, headers included, so client timeouts fire. Running out of turns answers 400.
 */
export async function startScriptServer(
  path: string,
  turns: ScriptTurns,
  handlers: ScriptHandlers,
): Promise<ScriptPeer> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const fail = (res: ServerResponse, status: number, message: string, type?: string, extra = {}) =>
    res
      .writeHead(status, { 'content-type': 'application/json', ...handlers.errorHeaders, ...extra })
      .end(handlers.errorBody(status, message, type));

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== path) {
      fail(res, 404, `${req.method} ${req.url} is not served here`);
      return;
    }
    const unauthorized = handlers.authorize(req);
    if (unauthorized) {
      fail(res, 401, unauthorized);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      fail(res, 400, 'The request body is not valid JSON.');
      return;
    }
    requests.push({ path, headers: req.headers, body });
    const index = next++;
    const turn = typeof turns === 'function' ? turns(body, index) : turns[index];
    if (!turn) {
      const size = typeof turns === 'function' ? 'picks none for this request' : `has ${turns.length}`;
      fail(res, 400, `The peer has no scripted turn ${index + 1} (the script ${size}).`);
      return;
    }
    if (handlers.inStream?.(turn, body, index)) {
      await handlers.answer(res, turn, body, index);
      return;
    }
    if (turn.delay_ms && !(await pause(res, turn.delay_ms))) return;
    if (turn.fault) {
      const { status, type, message, retry_after_seconds: retryAfter } = turn.fault;
      fail(
        res,
        status,
        message ?? `scripted ${status}`,
        type,
        retryAfter === undefined ? {} : { 'retry-after': retryAfter },
      );
      return;
    }
    await handlers.answer(res, turn, body, index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits `ms` unless the client goes away first; false when the response can no longer be written. */
export async function pause(res: ServerResponse, ms: number): Promise<boolean> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return !(res.destroyed || res.writableEnded);
}

/** Splits text into a few pieces (for streamed deltas). */
export function chunks(text: string, parts = 3): string[] {
  if (text.length <= parts) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

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
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server answering each POST to `path` with the next scripted turn (faults and delays included).
 * `answer` writes the protocol-specific success response.
 */
export async function startScriptServer(
  path: string,
  turns: readonly ScriptTurn[],
  handlers: {
    authorize(req: IncomingMessage): string | undefined;
    fault(res: ServerResponse, turn: ScriptTurn): void;
    answer(res: ServerResponse, turn: ScriptTurn, body: RecordedRequest['body'], index: number): void;
  },
): Promise<ScriptPeer> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== path) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const unauthorized = handlers.authorize(req);
    if (unauthorized) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(unauthorized);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid json' }));
      return;
    }
    requests.push({ path, headers: req.headers, body });
    const index = next++;
    const turn = turns[index];
    if (!turn) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `no scripted turn ${index + 1}` }));
      return;
    }
    if (turn.delay_ms) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, turn.delay_ms);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      if (res.destroyed || res.writableEnded) return;
    }
    if (turn.fault) handlers.fault(res, turn);
    else handlers.answer(res, turn, body, index);
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

export function chunks(text: string, parts = 3): string[] {
  if (text.length <= parts) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

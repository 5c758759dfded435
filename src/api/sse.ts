/**
 * Server-Sent Events for an investigation: `id: <seq>`, `event: <type>`, `data: <event JSON>` per event, recorded
 * ones first and then live ones, ending after done/failed. A client resumes with the Last-Event-ID header (or
 * `?after=`), so a reconnect misses nothing and repeats nothing. Comment lines keep idle proxies from closing it.
 * A stream that cannot go on (the memory database is unreachable) never just stops: its last message is
 * `event: reconnect` with `{code, message, retryMs}`, and the client resumes from its Last-Event-ID later.
 */
import type { Response } from 'express';
import type { InvestigationEvent } from '../agent/events.js';
import { isSleuthError } from '../common/errors.js';
import type { StreamTracker } from './streams.js';

export interface SseOptions {
  heartbeatMs: number;
  tracker: StreamTracker;
}

/** How long a client should wait before it reconnects after a `reconnect` message (also the stream's `retry:`). */
export const SSE_RETRY_MS = 3000;

export async function streamSse(
  res: Response,
  watch: (signal: AbortSignal) => AsyncGenerator<InvestigationEvent>,
  options: SseOptions,
): Promise<void> {
  const controller = new AbortController();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${SSE_RETRY_MS}\n\n`);
  const stop = () => controller.abort();
  res.on('close', stop);
  const untrack = options.tracker.add(stop);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs);
  heartbeat.unref();
  try {
    for await (const event of watch(controller.signal)) {
      if (controller.signal.aborted) break;
      const ok = res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (!ok) await drained(res, controller.signal);
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    // headers are sent: the only way left to tell the client is a message; no detail beyond the stable code
    const code = isSleuthError(error) ? error.code : 'STREAM_INTERRUPTED';
    const message = 'The event stream was interrupted (the memory store is unreachable); reconnect to resume.';
    res.write(`event: reconnect\ndata: ${JSON.stringify({ code, message, retryMs: SSE_RETRY_MS })}\n\n`);
  } finally {
    clearInterval(heartbeat);
    untrack();
    res.off('close', stop);
    res.end();
  }
}

function drained(res: Response, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done);
  });
}

/** The seq to resume after: Last-Event-ID (as the EventSource spec sends it), else `?after=`, else 0. */
export function resumeAfter(lastEventId: string | undefined, after: number | undefined): number {
  if (lastEventId !== undefined && /^\d{1,9}$/.test(lastEventId.trim())) return Number(lastEventId.trim());
  return after ?? 0;
}

/**
 * Runs investigations for Slack threads: one session per thread (the memory store returns the existing session of a
 * channel+thread, so follow-ups continue it), one AbortController per run (Cancel), one live message per run, then
 * result files. Runs are tracked so the app can wait for them (tests, shutdown) and cancel them.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor.js';
import { isSleuthError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { postAttachments } from './attachments.js';
import type { GroupResolver } from './groups.js';
import { type LiveMessage, openStreamMessage, openUpdateMessage, StreamingRefused } from './live/message.js';
import {
  initialState,
  type RenderOptions,
  reduceEvent,
  renderFailure,
  renderNotice,
  type ThreadState,
} from './render/index.js';
import type { SlackEngine } from './types.js';
import { callSlack, observedCall, type SlackCallObserver, type Sleep, type WebClient } from './web.js';

export interface RunRequest {
  question: string;
  userId: string;
  teamId: string | undefined;
  channel: string;
  /** The thread's root ts: the session key and where the reply goes. */
  threadTs: string;
  client: WebClient;
  /** A direct message (the assistant panel lives there): only then is an assistant status set. */
  dm?: boolean;
  /** false: skip the FAQ tier ("Not what I asked - investigate"). */
  faq?: boolean;
}

export interface RunnerDeps {
  engine: SlackEngine;
  /** Resolves the asker's user groups when the access policy names groups. */
  groups?: GroupResolver;
  logger: Logger;
  streaming: boolean;
  intervalMs: number;
  csvRowThreshold: number;
  charts: boolean;
  now?: () => number;
  sleep?: Sleep;
  observer?: SlackCallObserver;
  /** How numbers are written in thread messages. */
  render?: RenderOptions;
}

export interface Runner {
  /** Starts an investigation in the background; returns its run id (the Cancel button's value). */
  start(request: RunRequest): string;
  /** Aborts a running investigation; false when it is not running (finished, or another process). */
  cancel(runId: string): boolean;
  /** How many investigations are running. */
  active(): number;
  /** Resolves when nothing is running. */
  idle(): Promise<void>;
  /** Cancels everything and waits. */
  stop(): Promise<void>;
}

/** The Slack actor of a request, with the user's groups when the policy needs them. */
export async function slackActor(
  request: { userId: string; teamId: string | undefined; channel: string; client: WebClient },
  deps: { groups?: GroupResolver },
): Promise<Actor> {
  const groups = await deps.groups?.groupsOf(request.client, request.teamId, request.userId);
  return {
    kind: 'slack',
    id: request.userId,
    ...(request.teamId ? { workspace: request.teamId } : {}),
    channel: request.channel,
    ...(groups ? { groups } : {}),
  };
}

async function replyInThread(
  request: RunRequest,
  message: { text: string; blocks?: unknown[] },
  deps: { sleep?: Sleep; observer?: SlackCallObserver },
): Promise<void> {
  await callSlack(
    'chat.postMessage',
    () =>
      request.client.chat.postMessage({
        channel: request.channel,
        thread_ts: request.threadTs,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
        unfurl_media: false,
      }),
    { sleep: deps.sleep, observer: deps.observer },
  );
}

export function createRunner(deps: RunnerDeps): Runner {
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** Teams whose workspace refused streaming: later runs go straight to chat.update. */
  const noStreaming = new Set<string>();

  async function setAssistantStatus(request: RunRequest): Promise<void> {
    await observedCall(
      'assistant.threads.setStatus',
      () =>
        request.client.assistant.threads.setStatus({
          channel_id: request.channel,
          thread_ts: request.threadTs,
          status: 'is investigating…',
        }),
      deps.observer,
    ).catch((error: unknown) => deps.logger.debug({ err: String(error) }, 'assistant.threads.setStatus failed'));
  }

  async function openLive(request: RunRequest, runId: string, state: ThreadState): Promise<LiveMessage> {
    const target = { ...request, runId };
    const live = {
      logger: deps.logger,
      intervalMs: deps.intervalMs,
      now: deps.now,
      sleep: deps.sleep,
      observer: deps.observer,
      ...(deps.render ? { render: deps.render } : {}),
    };
    const team = request.teamId ?? '-';
    if (deps.streaming && !noStreaming.has(team)) {
      // best effort: the assistant status only exists in assistant threads (DMs); in channels it always fails
      if (request.dm) await setAssistantStatus(request);
      try {
        return await openStreamMessage(target, live, state, request.question, () => noStreaming.add(team));
      } catch (error) {
        if (!(error instanceof StreamingRefused)) throw error;
        noStreaming.add(team);
        deps.logger.info({ slackError: error.slackError }, 'streaming refused; using chat.update');
      }
    }
    return openUpdateMessage(target, live, state);
  }

  async function run(request: RunRequest, runId: string, signal: AbortSignal): Promise<void> {
    const log = deps.logger.child({ runId, channel: request.channel });
    let state = initialState(request.question);
    let live: LiveMessage | undefined;
    const actor = await slackActor(request, deps);
    // A refusal is one short reply in the thread: no session, no live message, no investigation.
    let access: { allowed: true } | { allowed: false; reason: string };
    try {
      access = await deps.engine.access({ actor });
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'access check failed');
      access = { allowed: false, reason: 'I could not check your access right now; try again in a moment.' };
    }
    if (!access.allowed) {
      log.info({ user: request.userId }, 'question refused by the access policy');
      await replyInThread(request, renderNotice(`:lock: ${access.reason}`), deps).catch((error: unknown) =>
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not post the refusal'),
      );
      return;
    }
    try {
      const memory = await deps.engine.memory();
      const session = await memory.createSession({
        channel: request.channel,
        thread: request.threadTs,
        userId: request.userId,
      });
      live = await openLive(request, runId, state);
      const events = deps.engine.ask({
        question: request.question,
        sessionId: session.id,
        userId: request.userId,
        actor,
        signal,
        ...(request.faq === false ? { faq: false } : {}),
      });
      for await (const event of events) {
        state = reduceEvent(state, event);
        live.show(state);
      }
    } catch (error) {
      if (!isSleuthError(error)) log.error({ err: error }, 'investigation from Slack crashed');
      const failure = isSleuthError(error)
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: 'internal error' };
      state = { ...state, outcome: state.outcome ?? { kind: 'failed', ...failure } };
    }
    if (!state.outcome) {
      state = {
        ...state,
        outcome: { kind: 'failed', code: 'INTERNAL', message: 'The investigation ended without an answer.' },
      };
    }
    try {
      if (live) await live.finish(state);
      else await replyInThread(request, renderFailure(state), deps);
      await postAttachments(
        state,
        { ...request, actor },
        {
          engine: deps.engine,
          logger: log,
          csvRowThreshold: deps.csvRowThreshold,
          charts: deps.charts,
          sleep: deps.sleep,
          observer: deps.observer,
          ...(deps.render ? { render: deps.render } : {}),
          now: deps.engine.config.now ?? new Date(deps.now?.() ?? Date.now()),
        },
      );
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not post the answer to Slack');
    }
  }

  return {
    start(request) {
      const runId = randomUUID();
      const controller = new AbortController();
      const done = run(request, runId, controller.signal).finally(() => running.delete(runId));
      running.set(runId, { controller, done });
      return runId;
    },
    cancel(runId) {
      const entry = running.get(runId);
      if (!entry || entry.controller.signal.aborted) return false;
      entry.controller.abort();
      return true;
    },
    active: () => running.size,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()].map((r) => r.done));
    },
    async stop() {
      for (const entry of running.values()) entry.controller.abort();
      await this.idle();
    },
  };
}

/**
 * One live thread message per investigation. Preferred: Slack's agent streaming through the Web API client's chat
 * streamer (chat.startStream / appendStream / stopStream) with plan steps and SQL runs as task chunks. When the
 * workspace refuses streaming (unknown_method, not_allowed...), or a stream breaks midway, the message falls back to
 * chat.postMessage + chat.update. Either way writes are coalesced to one per `intervalMs` and 429s wait Retry-After.
 */
import type { Logger } from '../../common/logger.js';
import { actions, button } from '../render/blocks.js';
import { ACTION } from '../render/ids.js';
import {
  escapeText,
  finalTaskChunks,
  insightMarkdown,
  oneLine,
  type RenderOptions,
  renderFinal,
  renderProgress,
  type SlackMessage,
  type StreamChunk,
  type ThreadState,
  taskChunks,
  truncate,
} from '../render/index.js';
import {
  callSlack,
  observedCall,
  retryAfterSeconds,
  type SlackCallObserver,
  type Sleep,
  slackErrorCode,
  type WebClient,
} from '../web.js';
import { createCoalescer } from './coalescer.js';

export interface LiveTarget {
  readonly client: WebClient;
  readonly channel: string;
  /** The thread the message lives in (the root message's ts). */
  readonly threadTs: string;
  readonly runId: string;
  readonly userId: string;
  readonly teamId: string | undefined;
}

export interface LiveDeps {
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly observer?: SlackCallObserver;
  /** How numbers are written (locale, currency). */
  readonly render?: RenderOptions;
}

export interface LiveMessage {
  readonly mode: 'stream' | 'update';
  /** Shows a newer state (coalesced). */
  show(state: ThreadState): void;
  /** Writes the final answer or failure and waits until it is out. */
  finish(state: ThreadState): Promise<void>;
}

const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** Posts the message and keeps it current with chat.update. */
export async function openUpdateMessage(
  target: LiveTarget,
  deps: LiveDeps,
  state: ThreadState,
  first?: SlackMessage,
): Promise<LiveMessage> {
  const { client, channel, threadTs, runId } = target;
  const now = deps.now ?? Date.now;
  const initial = first ?? renderProgress(state, runId, deps.render);
  const posted = await callSlack(
    'chat.postMessage',
    () =>
      client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: initial.text,
        blocks: initial.blocks,
        ...NO_UNFURL,
      }),
    { sleep: deps.sleep, observer: deps.observer },
  );
  const ts = posted.ts as string;
  let finalMessage: SlackMessage | undefined;
  let finalFailed = false;
  const coalescer = createCoalescer<SlackMessage>({
    intervalMs: deps.intervalMs,
    now,
    sleep: deps.sleep,
    lastSentAt: now(),
    async send(message) {
      await observedCall(
        'chat.update',
        () => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
        deps.observer,
      );
    },
    onError(error, message) {
      if (message === finalMessage) finalFailed = true;
      deps.logger.warn({ slackError: slackErrorCode(error) ?? String(error), runId }, 'chat.update failed');
    },
  });
  return {
    mode: 'update',
    show(next) {
      if (!finalMessage) coalescer.push(renderProgress(next, runId, deps.render));
    },
    async finish(next) {
      finalMessage = renderFinal(next, deps.render);
      coalescer.push(finalMessage);
      await coalescer.drain();
      if (finalFailed) {
        // the live message could not be edited (deleted, too old): the answer still reaches the thread
        const message = finalMessage;
        await callSlack(
          'chat.postMessage',
          () =>
            client.chat.postMessage({
              channel,
              thread_ts: threadTs,
              text: message.text,
              blocks: message.blocks,
              ...NO_UNFURL,
            }),
          { sleep: deps.sleep, observer: deps.observer },
        );
      }
    },
  };
}

/** Thrown when the workspace does not take streaming at all; the caller falls back to openUpdateMessage. */
export class StreamingRefused extends Error {
  constructor(readonly slackError: string | undefined) {
    super(`Slack refused streaming: ${slackError ?? 'unknown reason'}`);
  }
}

interface StreamItem {
  state: ThreadState;
  final: boolean;
}

/**
 * Streams the investigation. Throws StreamingRefused when the stream cannot start; if it breaks later, the rest goes
 * to a chat.update message (and `onRefused` is told, so later investigations skip streaming).
 */
export async function openStreamMessage(
  target: LiveTarget,
  deps: LiveDeps,
  state: ThreadState,
  question: string,
  onRefused: (slackError: string | undefined) => void,
): Promise<LiveMessage> {
  const { client, channel, threadTs, runId } = target;
  const streamer = client.chatStream({
    channel,
    thread_ts: threadTs,
    recipient_user_id: target.userId,
    ...(target.teamId ? { recipient_team_id: target.teamId } : {}),
    task_display_mode: 'plan',
  });
  const sentTasks = new Map<string, string>();
  let sentInsights = 0;
  const changes = (next: ThreadState, final = false) => {
    const tasks = (final ? finalTaskChunks(next) : taskChunks(next)).filter(
      (t) => sentTasks.get(t.id) !== JSON.stringify(t),
    );
    const markdown = insightMarkdown(next, sentInsights);
    const chunks: StreamChunk[] = [...(markdown ? [{ type: 'markdown_text' as const, text: markdown }] : []), ...tasks];
    const commit = () => {
      for (const t of tasks) sentTasks.set(t.id, JSON.stringify(t));
      sentInsights = next.insights.length;
    };
    return { chunks, commit };
  };

  const opening = changes(state);
  const intro: StreamChunk[] = [
    { type: 'markdown_text', text: `:mag: Investigating: ${truncate(escapeText(oneLine(question)), 500)}\n` },
    ...opening.chunks,
    { type: 'blocks', blocks: [actions('sleuth_running', [button('Cancel', ACTION.cancel, runId, 'danger')])] },
  ];
  const now = deps.now ?? Date.now;
  try {
    await callSlack('chat.startStream', () => streamer.append({ chunks: intro }), {
      sleep: deps.sleep,
      observer: deps.observer,
    });
  } catch (error) {
    throw new StreamingRefused(slackErrorCode(error));
  }
  opening.commit();

  /**
   * After chat.stopStream the streamed parts (the Cancel button, the task list) stay in the message; one chat.update
   * replaces them with the final report, so both modes end in the same content. Best effort: when it fails the
   * stopped stream (closed tasks, final blocks) remains.
   */
  const replaceStreamed = async (final: SlackMessage) => {
    const ts = streamer.ts;
    if (!ts) return;
    await observedCall(
      'chat.update',
      () => client.chat.update({ channel, ts, text: final.text, blocks: final.blocks }),
      deps.observer,
    ).catch((error: unknown) =>
      deps.logger.warn({ slackError: slackErrorCode(error) ?? String(error), runId }, 'final chat.update failed'),
    );
  };

  let fallback: LiveMessage | undefined;
  let done = false;
  const coalescer = createCoalescer<StreamItem>({
    intervalMs: deps.intervalMs,
    now,
    sleep: deps.sleep,
    lastSentAt: now(),
    async send(item) {
      if (fallback) {
        if (item.final) await fallback.finish(item.state);
        else fallback.show(item.state);
        return;
      }
      const { chunks, commit } = changes(item.state, item.final);
      try {
        if (item.final) {
          const final = renderFinal(item.state, deps.render);
          await observedCall('chat.stopStream', () => streamer.stop({ chunks, blocks: final.blocks }), deps.observer);
          commit();
          await replaceStreamed(final);
          return;
        } else if (chunks.length > 0) {
          await observedCall('chat.appendStream', () => streamer.append({ chunks }), deps.observer);
        }
        commit();
      } catch (error) {
        if (retryAfterSeconds(error) !== undefined) throw error;
        const slackError = slackErrorCode(error);
        deps.logger.warn({ slackError, runId }, 'streaming broke off; continuing with chat.update');
        onRefused(slackError);
        fallback = item.final
          ? await openUpdateMessage(target, deps, item.state, renderFinal(item.state, deps.render))
          : await openUpdateMessage(target, deps, item.state);
      }
    },
    onError(error) {
      deps.logger.warn({ slackError: slackErrorCode(error) ?? String(error), runId }, 'streaming update failed');
    },
  });
  return {
    mode: 'stream',
    show(next) {
      if (!done) coalescer.push({ state: next, final: false });
    },
    async finish(next) {
      done = true;
      coalescer.push({ state: next, final: true });
      await coalescer.drain();
    },
  };
}

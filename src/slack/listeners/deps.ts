/** What every listener gets, and the Slack fields they read (validated with zod; anything else is ignored). */
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import type { KnowledgeService } from '../../knowledge/types.js';
import type { GroupResolver } from '../groups.js';
import type { Runner } from '../runner.js';
import type { SlackEngine } from '../types.js';
import type { SlackCallObserver, Sleep } from '../web.js';

export interface ListenerDeps {
  engine: SlackEngine;
  knowledge: KnowledgeService | undefined;
  runner: Runner;
  logger: Logger;
  sleep?: Sleep;
  /** The asker's user groups, when the access policy names groups. */
  groups?: GroupResolver;
  observer?: SlackCallObserver;
}

/** Slack user ids (U..., W...) are the only mentions we ever write ourselves. */
export const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
const ts = z.string().regex(/^\d+\.\d+$/);

export const mentionEvent = z.object({
  user: userId,
  text: z.string().default(''),
  ts,
  channel: slackId,
  thread_ts: ts.optional(),
});

export const dmEvent = mentionEvent.extend({
  channel_type: z.literal('im'),
  subtype: z.undefined().optional(),
  bot_id: z.undefined().optional(),
});

/**
 * A reply in a channel thread (message.channels / message.groups): a person's plain message with a thread_ts. Whether
 * Sleuth answers it depends on the thread being one it started (a session exists for it).
 */
export const threadReplyEvent = mentionEvent.extend({
  channel_type: z.enum(['channel', 'group']),
  thread_ts: ts,
  subtype: z.undefined().optional(),
  bot_id: z.undefined().optional(),
});

export const envelope = z.object({ team_id: z.string().optional(), event_id: z.string().optional() });

export const homeEvent = z.object({ user: userId, tab: z.string().optional() });

export const assistantThreadEvent = z.object({
  assistant_thread: z.object({ user_id: userId, channel_id: slackId, thread_ts: ts }),
});

export const commandBody = z.object({
  text: z.string().default(''),
  user_id: userId,
  channel_id: slackId,
  team_id: z.string().optional(),
});

export const actionBody = z.object({
  user: z.object({ id: userId }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: slackId }).optional(),
  trigger_id: z.string().optional(),
  container: z
    .object({ message_ts: ts.optional(), thread_ts: ts.optional(), channel_id: slackId.optional() })
    .passthrough()
    .optional(),
  message: z.object({ ts, thread_ts: ts.optional() }).passthrough().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() })).min(1),
});

export type ActionBody = z.infer<typeof actionBody>;

/** The thread a button's message lives in (the root ts), and its channel. */
export function threadOf(body: ActionBody): { channel: string; threadTs: string } | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const threadTs =
    body.message?.thread_ts ?? body.container?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
  return channel && threadTs ? { channel, threadTs } : undefined;
}

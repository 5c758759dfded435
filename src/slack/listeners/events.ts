/**
 * Events: mentions and DMs start threaded investigations (a reply in a thread continues its session), App Home shows
 * recent work, and the assistant panel gets suggested prompts from the knowledge base.
 */
import type { App } from '@slack/bolt';
import { renderHelp, renderHome } from '../render/index.js';
import { isHelpRequest, questionFromSlack } from '../text.js';
import type { SlackEngine } from '../types.js';
import { callSlack, type WebClient } from '../web.js';
import {
  assistantThreadEvent,
  dmEvent,
  envelope,
  homeEvent,
  type ListenerDeps,
  mentionEvent,
  threadReplyEvent,
} from './deps.js';

const DEFAULT_PROMPTS = [
  'How many customers signed up last month, by channel?',
  'What was revenue by month this year?',
  'Which products have the highest refund rate?',
];

export function registerEvents(app: App, deps: ListenerDeps): void {
  const askInThread = async (
    client: WebClient,
    input: { user: string; text: string; ts: string; channel: string; thread_ts?: string },
    teamId: string | undefined,
    botUserId: string | undefined,
    dm = false,
  ) => {
    const question = questionFromSlack(input.text, botUserId);
    const threadTs = input.thread_ts ?? input.ts;
    if (isHelpRequest(question)) {
      const help = renderHelp();
      await callSlack(
        'chat.postMessage',
        () =>
          client.chat.postMessage({
            channel: input.channel,
            thread_ts: threadTs,
            ...help,
            unfurl_links: false,
            unfurl_media: false,
          }),
        { sleep: deps.sleep, observer: deps.observer },
      );
      return;
    }
    deps.runner.start({ question, userId: input.user, teamId, channel: input.channel, threadTs, client, dm });
  };

  app.event('app_mention', async ({ event, body, context, client }) => {
    const parsed = mentionEvent.safeParse(event);
    if (!parsed.success) {
      deps.logger.warn('ignoring an app_mention without the fields Sleuth needs');
      return;
    }
    await askInThread(client, parsed.data, envelope.parse(body).team_id, context.botUserId);
  });

  app.message(async ({ message, body, context, client }) => {
    const parsed = dmEvent.safeParse(message);
    if (parsed.success) {
      await askInThread(client, parsed.data, envelope.parse(body).team_id, context.botUserId, true);
      return;
    }
    // a follow-up in a channel thread Sleuth started needs no new mention; anything else in channels is not ours
    const reply = threadReplyEvent.safeParse(message);
    if (!reply.success) return; // top-level channel messages, edits, bot messages
    // a reply that mentions Sleuth arrives as app_mention too: answered there, once
    if (context.botUserId && reply.data.text.includes(`<@${context.botUserId}`)) return;
    if (!(await ownsThread(deps, reply.data.channel, reply.data.thread_ts))) return;
    await askInThread(client, reply.data, envelope.parse(body).team_id, context.botUserId);
  });

  app.event('app_home_opened', async ({ event, client }) => {
    const parsed = homeEvent.safeParse(event);
    if (!parsed.success || (parsed.data.tab !== undefined && parsed.data.tab !== 'home')) return;
    const view = await homeView(deps.engine, deps, parsed.data.user, client);
    await callSlack('views.publish', () => client.views.publish({ user_id: parsed.data.user, view }), {
      sleep: deps.sleep,
      observer: deps.observer,
    });
  });

  app.event('assistant_thread_started', async ({ event, client }) => {
    const parsed = assistantThreadEvent.safeParse(event);
    if (!parsed.success) return;
    const { channel_id, thread_ts } = parsed.data.assistant_thread;
    const questions = await suggestions(deps, 4);
    const prompts = (questions.length > 0 ? questions : DEFAULT_PROMPTS).slice(0, 4).map((q) => ({
      title: q.length > 75 ? `${q.slice(0, 74)}…` : q,
      message: q,
    }));
    await callSlack(
      'assistant.threads.setSuggestedPrompts',
      () => client.assistant.threads.setSuggestedPrompts({ channel_id, thread_ts, title: 'Try asking', prompts }),
      { sleep: deps.sleep, observer: deps.observer },
    );
  });
}

async function suggestions(deps: ListenerDeps, limit: number): Promise<string[]> {
  if (!deps.knowledge) return [];
  try {
    return await deps.knowledge.suggestedQuestions(limit);
  } catch (error) {
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'suggested questions failed');
    return [];
  }
}

async function homeView(engine: SlackEngine, deps: ListenerDeps, user: string, client: WebClient) {
  const memory = await engine.memory();
  const investigations = await memory.listInvestigations({ userId: user, limit: 10 });
  return renderHome({
    investigations: await Promise.all(investigations.map((inv) => withThreadLink(inv, memory, client, deps))),
    connections: engine.config.connections.map((c) => ({ name: c.name, dialect: c.dialect })),
    defaultConnection: engine.config.defaultConnection,
    suggestions: await suggestions(deps, 5),
  });
}

/** The investigation with a permalink to the Slack thread it ran in (best effort: no link when Slack says no). */
async function withThreadLink<T extends { sessionId: string | null }>(
  inv: T,
  memory: Awaited<ReturnType<SlackEngine['memory']>>,
  client: WebClient,
  deps: ListenerDeps,
): Promise<T & { link?: string }> {
  if (!inv.sessionId) return inv;
  try {
    const session = await memory.getSession(inv.sessionId);
    if (!session?.channel || !session.thread) return inv;
    const { channel, thread } = session;
    const answer = await callSlack(
      'chat.getPermalink',
      () => client.chat.getPermalink({ channel, message_ts: thread }),
      { sleep: deps.sleep, observer: deps.observer },
    );
    return typeof answer.permalink === 'string' ? { ...inv, link: answer.permalink } : inv;
  } catch (error) {
    deps.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'no thread link for App Home');
    return inv;
  }
}

/** A thread is Sleuth's when it investigated there before (the thread's session exists). */
async function ownsThread(deps: ListenerDeps, channel: string, thread: string): Promise<boolean> {
  try {
    return (await (await deps.engine.memory()).findSession({ channel, thread })) !== undefined;
  } catch (error) {
    deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'thread lookup failed');
    return false;
  }
}
